using System.Buffers.Binary;
using System.Text;
using Forge.Core.Metrics;

namespace Forge.Core.Tests.Metrics;

/// <summary>The event files parse as TFRecords (length and CRC-32C checked) and hold the recorded scalars.</summary>
public class TensorBoardLogTests
{
    private static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int i = 0; i < 8; i++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
        }
        return ~crc;
    }

    // TFRecord masks its CRCs so that CRCs of data holding CRCs stay well distributed.
    private static uint Masked(uint crc) => ((crc >> 15) | (crc << 17)) + 0xa282ead8;

    private static List<byte[]> Records(string file)
    {
        var bytes = File.ReadAllBytes(file);
        var records = new List<byte[]>();
        for (int at = 0; at < bytes.Length;)
        {
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
            BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8)).Should().Be(Masked(Crc32C(bytes.AsSpan(at, 8))), "length CRC");
            var data = bytes.AsSpan(at + 12, (int)length);
            BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 12 + (int)length)).Should().Be(Masked(Crc32C(data)), "data CRC");
            records.Add(data.ToArray());
            at += 12 + (int)length + 4;
        }
        return records;
    }

    [Fact]
    public void Every_finite_metric_of_every_record_becomes_a_scalar_event()
    {
        string run = Path.Combine(Path.GetTempPath(), "forge-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(run);
        using (var log = new MetricsLog(run))
        {
            log.Record("sft", 0, new Dictionary<string, double> { ["loss"] = 2.5, ["grad_norm"] = 1.0 });
            log.Record("sft", 1, new Dictionary<string, double> { ["loss"] = 1.5, ["grad_norm"] = double.NaN });
            log.Record("rl", 0, new Dictionary<string, double> { ["reward/mean"] = 0.25 });
        }

        string file = Directory.GetFiles(Path.Combine(run, "tensorboard"), "events.out.tfevents.*").Should().ContainSingle().Subject;
        var records = Records(file);
        int Count(string tag) => records.Count(r => Encoding.UTF8.GetString(r).Contains(tag, StringComparison.Ordinal));
        Count("sft/loss").Should().Be(2);
        Count("sft/grad_norm").Should().Be(1, "a NaN is not plotted");
        Count("rl/reward/mean").Should().Be(1);
        records.Where(r => Encoding.UTF8.GetString(r).Contains("sft/loss", StringComparison.Ordinal))
            .Select(r => BinaryPrimitives.ReadSingleLittleEndian(r.AsSpan(r.Length - 4)))
            .Should().Equal(2.5f, 1.5f);
    }
}
