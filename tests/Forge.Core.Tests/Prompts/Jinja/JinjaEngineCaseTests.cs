using System.Text.Json.Nodes;
using Forge.Core.Prompts.Jinja;

namespace Forge.Core.Tests.Prompts.Jinja;

/// <summary>
/// Every snippet of TestData/jinja/cases.json renders exactly as jinja2 (configured as transformers configures it)
/// renders it, and every snippet jinja2 refuses is refused with one ForgeDataException.
/// </summary>
public class JinjaEngineCaseTests
{
    private static readonly DateTime Clock = new(2024, 7, 26, 9, 5, 3);

    [Fact]
    public void Every_case_renders_as_jinja2_does()
    {
        var cases = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "jinja", "cases.json")))!["cases"]!.AsArray();
        cases.Count.Should().BeGreaterThan(50);
        var failures = new List<string>();
        foreach (var c in cases)
        {
            string template = (string)c!["template"]!;
            var context = ((JinjaDict)JinjaTemplate.FromJson(c["context"])!).ToDictionary(kv => kv.Key, kv => kv.Value);
            string? actual = null, error = null;
            try
            {
                actual = JinjaTemplate.Parse(template, "case").Render(context, () => Clock);
            }
            catch (ForgeDataException ex)
            {
                error = ex.Message;
            }
            if (c["error"] is not null)
            {
                if (error is null) failures.Add($"{Show(template)}: jinja2 refuses it ({c["error"]}), Forge rendered {Show(actual!)}");
            }
            else if (error is not null) failures.Add($"{Show(template)}: Forge refused it ({error}); jinja2 renders {Show((string)c["text"]!)}");
            else if (actual != (string)c["text"]!) failures.Add($"{Show(template)}:\n  jinja2 {Show((string)c["text"]!)}\n  Forge  {Show(actual!)}");
        }
        failures.Should().BeEmpty(string.Join("\n", failures));
    }

    private static string Show(string s) => JsonValue.Create(s).ToJsonString(new System.Text.Json.JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
