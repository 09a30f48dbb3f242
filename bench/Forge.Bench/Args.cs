using System.Globalization;

namespace Forge.Bench;

/// <summary>--name value arguments with defaults; --flag for booleans; several values after --batch.</summary>
internal sealed class Args(string[] args)
{
    public string Get(string name, string fallback)
    {
        int i = Array.IndexOf(args, "--" + name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    public int Int(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    public double Double(string name, double fallback) => double.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    public bool Flag(string name) => args.Contains("--" + name);

    public int[] Ints(string name, int[] fallback)
    {
        int i = Array.IndexOf(args, "--" + name);
        if (i < 0) return fallback;
        return args.Skip(i + 1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray();
    }

    public string[] Strings(string name, string[] fallback)
    {
        int i = Array.IndexOf(args, "--" + name);
        if (i < 0) return fallback;
        return args.Skip(i + 1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
    }
}
