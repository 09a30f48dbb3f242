// MSBuild task: marks the GLIBCXX_3.4.32 version requirement of libLibTorchSharp.so as weak (VER_FLG_WEAK).
// TorchSharp 0.107 is built with GCC 13 and asks for GLIBCXX_3.4.32 only through one never-called symbol
// (see shared/docs/native-torch.md); Debian 12's libstdc++ stops at 3.4.30. The edit is 2 bytes and harmless
// where libstdc++ is new enough, so it is applied to every build output that carries the library.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class WeakenGlibcxxRequirement : Task
{
    [Required] public string File { get; set; } = "";

    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    public override bool Execute()
    {
        if (!System.IO.File.Exists(File)) return true;
        byte[] elf = System.IO.File.ReadAllBytes(File);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[4] != 2 || elf[5] != 1)
        {
            Log.LogError("{0}: not a little-endian ELF64 file", File);
            return false;
        }
        long shoff = (long)BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        bool changed = false;
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (BitConverter.ToUInt32(elf, (int)sh + 4) != ShtGnuVerneed) continue;
            long offset = (long)BitConverter.ToUInt64(elf, (int)sh + 0x18);
            int link = (int)BitConverter.ToUInt32(elf, (int)sh + 0x28);
            long strtab = (long)BitConverter.ToUInt64(elf, (int)(shoff + (long)link * shentsize) + 0x18);
            long need = offset;
            while (true)
            {
                int count = BitConverter.ToUInt16(elf, (int)need + 2);
                long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                for (int a = 0; a < count; a++)
                {
                    string name = ReadString(elf, strtab + BitConverter.ToUInt32(elf, (int)aux + 8));
                    int flagsAt = (int)aux + 4;
                    ushort flags = BitConverter.ToUInt16(elf, flagsAt);
                    if (name == "GLIBCXX_3.4.32" && (flags & VerFlagWeak) == 0)
                    {
                        BitConverter.GetBytes((ushort)(flags | VerFlagWeak)).CopyTo(elf, flagsAt);
                        changed = true;
                    }
                    aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                }
                uint next = BitConverter.ToUInt32(elf, (int)need + 12);
                if (next == 0) break;
                need += next;
            }
        }
        if (changed)
        {
            // Write beside, then replace, so that an interrupted build never leaves a half-written library.
            string temp = File + ".weak.tmp";
            System.IO.File.WriteAllBytes(temp, elf);
            System.IO.File.Delete(File);
            System.IO.File.Move(temp, File);
            Log.LogMessage(MessageImportance.Normal, "Marked GLIBCXX_3.4.32 weak in {0}", File);
        }
        return true;
    }

    private static string ReadString(byte[] data, long start)
    {
        long end = start;
        while (end < data.Length && data[end] != 0) end++;
        return Encoding.ASCII.GetString(data, (int)start, (int)(end - start));
    }
}
