using System.Text.Json.Nodes;
using Forge.Core.Prompts;

namespace Forge.Core.Tests.Prompts;

/// <summary>
/// Real chat templates (TestData/chat_templates: Qwen2.5, Qwen3, Llama-3/3.1, DeepSeek-R1-Distill, Mistral v0.3)
/// rendered over fixed conversations must equal transformers' apply_chat_template character for character
/// (goldens.json, made by tests/gpu/fixtures/chat_templates.py); a rendering the reference refused must be refused too.
/// </summary>
public class ChatTemplateGoldenTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "TestData", "chat_templates");

    public static TheoryData<string> Families() =>
        new(Directory.GetDirectories(Root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Families))]
    public void Renders_every_conversation_as_transformers_does(string family)
    {
        var goldens = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "goldens.json")))!;
        var conversations = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "conversations.json")))!.AsObject();
        var template = ChatTemplate.Load(Path.Combine(Root, family));
        var cases = goldens["cases"]!.AsArray().Where(c => (string)c!["family"]! == family).ToList();
        cases.Should().NotBeEmpty();
        foreach (var golden in cases)
        {
            string conversation = (string)golden!["conversation"]!;
            bool addGenerationPrompt = (bool)golden["add_generation_prompt"]!;
            var kwargs = golden["kwargs"]!.AsObject().ToDictionary(kv => kv.Key, kv => (object?)kv.Value?.DeepClone());
            var spec = conversations[conversation]!;
            string what = $"{family} / {conversation} / add_generation_prompt={addGenerationPrompt} / {golden["kwargs"]!.ToJsonString()}";
            Func<string> render = () => template.Render(spec["messages"]!.AsArray(), addGenerationPrompt, spec["tools"]?.AsArray(), kwargs);
            if (golden["error"] is not null)
                render.Should().Throw<ForgeDataException>(what + " (the reference failed: " + golden["error"] + ")");
            else
                render().Should().Be((string)golden["text"]!, what);
        }
    }
}
