using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Forge.Core.Tokenizers;

namespace Forge.Core.Tests.Tokenizers;

public class ZzDevHarness
{
    [Fact]
    public void Compare()
    {
        var report = new StringBuilder();
        foreach (var (name, path) in new[] { ("fixture", "/tmp/hftok/fixture.json"), ("q", "/tmp/hftok/q/package/models"), ("deepseek_v3", "/tmp/hftok/deepseek_v3/package/models"), ("llama3", "/tmp/hftok/llama3/package/models"), ("gpt4o", "/tmp/hftok/gpt4o/package/models"), ("gpt35turbo", "/tmp/hftok/gpt35turbo/package/models") })
        {
            var sw = Stopwatch.StartNew();
            Forge.Contracts.Models.ITokenizer tok;
            try { tok = TokenizerLoader.Load(path); }
            catch (Exception ex) { report.AppendLine($"{name}: LOAD FAIL {ex.Message}"); continue; }
            report.AppendLine($"{name}: loaded in {sw.ElapsedMilliseconds} ms vocab {tok.VocabSize} stops [{string.Join(",", tok.StopTokenIds)}] pad {tok.PadTokenId}");
            using var doc = JsonDocument.Parse(File.ReadAllText($"/tmp/hftok/ref_{name}.json"));
            int bad = 0;
            foreach (var c in doc.RootElement.EnumerateArray())
            {
                string text = c.GetProperty("text").GetString()!;
                var want = c.GetProperty("ids").EnumerateArray().Select(v => v.GetInt32()).ToArray();
                IReadOnlyList<int> got;
                try { got = tok.Encode(text); } catch (Exception ex) { report.AppendLine($"  ENCODE THROW {JsonSerializer.Serialize(text)}: {ex.Message}"); bad++; continue; }
                if (!got.SequenceEqual(want)) { bad++; report.AppendLine($"  IDS {JsonSerializer.Serialize(text)}\n    want {string.Join(",", want)}\n    got  {string.Join(",", got)}"); }
                string dec = tok.Decode(want), skip = tok.Decode(want, true);
                if (dec != c.GetProperty("decoded").GetString()) { bad++; report.AppendLine($"  DEC {JsonSerializer.Serialize(text)} got {JsonSerializer.Serialize(dec)} want {JsonSerializer.Serialize(c.GetProperty("decoded").GetString())}"); }
                if (skip != c.GetProperty("skipped").GetString()) { bad++; report.AppendLine($"  SKIP {JsonSerializer.Serialize(text)} got {JsonSerializer.Serialize(skip)} want {JsonSerializer.Serialize(c.GetProperty("skipped").GetString())}"); }
            }
            sw.Restart();
            string big = string.Concat(Enumerable.Repeat("The quick brown fox 数学推理 12345!\n", 2000));
            int n = tok.Encode(big).Count;
            report.AppendLine($"  {bad} bad; encode {big.Length} chars -> {n} ids in {sw.ElapsedMilliseconds} ms");
        }
        File.WriteAllText("/tmp/hftok/report.txt", report.ToString());
    }
}
