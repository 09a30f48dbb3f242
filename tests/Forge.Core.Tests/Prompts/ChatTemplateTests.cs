using Forge.Core.Prompts;
using Forge.Core.Prompts.Jinja;

namespace Forge.Core.Tests.Prompts;

public sealed class ChatTemplateTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("forge-chat-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Config(string json) => File.WriteAllText(Path.Combine(_dir, ChatTemplate.ConfigFile), json);

    [Fact]
    public void A_list_of_named_templates_gives_default_unless_another_is_named()
    {
        Config("""{"chat_template": [{"name": "default", "template": "D{{ messages[0].content }}"}, {"name": "tool_use", "template": "T"}], "eos_token": "</s>"}""");
        ChatTemplate.Load(_dir).Render([ChatMessage.User("x")], false).Should().Be("Dx");
        ChatTemplate.Load(_dir, "tool_use").Render([ChatMessage.User("x")], false).Should().Be("T");
        FluentActions.Invoking(() => ChatTemplate.Load(_dir, "rag")).Should().Throw<ForgeDataException>().WithMessage("*tokenizer_config.json: no chat template named 'rag'");
    }

    [Fact]
    public void Chat_template_jinja_beside_the_config_wins_and_special_tokens_come_from_the_config_as_text()
    {
        Config("""{"chat_template": "config", "bos_token": {"__type": "AddedToken", "content": "<s>"}, "eos_token": "</s>", "unk_token": null, "additional_special_tokens": ["<x>"]}""");
        File.WriteAllText(Path.Combine(_dir, ChatTemplate.JinjaFile), "{{ bos_token }}|{{ eos_token }}|{{ unk_token is defined }}|{{ additional_special_tokens[0] }}|{{ tools }}|{{ add_generation_prompt }}\n");
        var template = ChatTemplate.Load(_dir);
        template.Source.Should().EndWith(ChatTemplate.JinjaFile);
        template.Render([ChatMessage.User("x")], true).Should().Be("<s>|</s>|False|<x>|None|True");
    }

    [Fact]
    public void Special_tokens_the_config_leaves_out_come_from_special_tokens_map_json()
    {
        Config("""{"chat_template": "{{ bos_token }}|{{ eos_token }}", "eos_token": "</s>"}""");
        File.WriteAllText(Path.Combine(_dir, "special_tokens_map.json"), """{"bos_token": {"content": "<s>", "lstrip": false}, "eos_token": "<eos-from-map>"}""");
        ChatTemplate.Load(_dir).Render([ChatMessage.User("x")], false).Should().Be("<s>|</s>", "the config's own eos_token wins");
    }

    [Fact]
    public void A_missing_template_is_one_line_naming_the_config_file()
    {
        Config("""{"eos_token": "</s>"}""");
        ChatTemplate.TryLoad(_dir).Should().BeNull();
        FluentActions.Invoking(() => ChatTemplate.Load(_dir)).Should().Throw<ForgeDataException>()
            .WithMessage($"{Path.Combine(_dir, "tokenizer_config.json")}: no chat_template (nor a chat_template.jinja beside it)*");
    }

    [Fact]
    public void Extra_keywords_reach_the_template()
    {
        var template = ChatTemplate.FromText("{% if enable_thinking is defined and enable_thinking is false %}no-think{% endif %}{{ messages|length }}", "t");
        template.Render([ChatMessage.User("a")], true, new Dictionary<string, object?> { ["enable_thinking"] = false }).Should().Be("no-think1");
        template.Render([ChatMessage.User("a")], true).Should().Be("1");
    }

    [Fact]
    public void Hostile_nesting_is_refused_not_a_stack_overflow()
    {
        FluentActions.Invoking(() => JinjaTemplate.Parse("{{ " + new string('(', 100_000) + "1" + new string(')', 100_000) + " }}", "t.jinja"))
            .Should().Throw<ForgeDataException>().WithMessage("t.jinja:1:*: expressions nest more than 300 deep");
        FluentActions.Invoking(() => JinjaTemplate.Parse(string.Concat(Enumerable.Repeat("{% if x %}", 50_000)), "t.jinja"))
            .Should().Throw<ForgeDataException>().WithMessage("t.jinja:1:*: * nest more than 300 deep");
    }

    [Theory]
    [InlineData("{% if x %}\n  {% call foo() %}{% endcall %}\n{% endif %}", "t.jinja:2:6: unsupported tag '{% call %}'*")]
    [InlineData("line one\n{{ a + }}", "t.jinja:2:8: unexpected '}}' in an expression")]
    [InlineData("{% for m in messages %}\n{{ m }}", "t.jinja:1:4: '{% for %}' is never closed*")]
    [InlineData("ok\n  {{ x | frobnicate }}", "t.jinja:2:10: filter 'frobnicate' is not supported")]
    [InlineData("{{ raise_exception('Conversation roles must alternate') }}", "t.jinja:1:19: raise_exception: Conversation roles must alternate")]
    [InlineData("{{ messages.foo.bar }}", "t.jinja:1:16: 'messages.foo' is undefined")]
    [InlineData("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", "t.jinja:1:*: maximum recursion depth exceeded*")]
    public void An_unsupported_construct_or_a_failure_is_one_error_naming_the_template_line_and_column(string text, string message)
    {
        FluentActions.Invoking(() => JinjaTemplate.Parse(text, "t.jinja").Render(new Dictionary<string, object?> { ["messages"] = new JinjaDict(), ["x"] = 1L }))
            .Should().Throw<ForgeDataException>().WithMessage(message);
    }
}
