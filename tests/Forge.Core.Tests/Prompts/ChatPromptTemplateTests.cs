using Forge.Core.Prompts;

namespace Forge.Core.Tests.Prompts;

/// <summary>
/// Template: chat with real templates: the prompt is a user turn (after the system turn) ready for the reply, and the
/// SFT target is the assistant turn as the template writes it after that prompt.
/// </summary>
public class ChatPromptTemplateTests
{
    private static ChatTemplate Real(string family) => ChatTemplate.Load(Path.Combine(AppContext.BaseDirectory, "TestData", "chat_templates", family));

    [Fact]
    public void Qwen2_5_prompts_end_ready_for_the_reply_and_the_target_ends_the_turn()
    {
        var chat = new ChatPromptTemplate(Real("qwen2.5"), "Be brief.");
        chat.Format("2+2?").Should().Be("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n");
        chat.Completion("2+2?", "4").Should().Be("4<|im_end|>\n");
        new ChatPromptTemplate(Real("qwen2.5")).Format("hi").Should().StartWith("<|im_start|>system\nYou are Qwen", "without a system turn Qwen2.5 adds its own");
    }

    [Fact]
    public void Qwen3_writes_the_reasoning_block_into_the_target_and_honours_enable_thinking()
    {
        var chat = new ChatPromptTemplate(Real("qwen3"));
        chat.Completion("q", "<think>\nr\n</think>\n\na").Should().Be("<think>\nr\n</think>\n\na<|im_end|>\n");
        chat.Completion("q", "a").Should().Be("<think>\n\n</think>\n\na<|im_end|>\n", "Qwen3 writes an empty reasoning block into the last assistant turn");
        new ChatPromptTemplate(Real("qwen3"), kwargs: new Dictionary<string, object?> { ["enable_thinking"] = false }).Format("q")
            .Should().EndWith("<|im_start|>assistant\n<think>\n\n</think>\n\n");
    }

    [Fact]
    public void A_template_that_rewrites_the_last_turn_gives_no_target_so_the_completion_is_trained_as_generated()
    {
        var chat = new ChatPromptTemplate(Real("deepseek-r1-distill"));
        chat.Format("q").Should().Be("<｜begin▁of▁sentence｜><｜User｜>q<｜Assistant｜><think>\n");
        chat.Completion("q", "r\n</think>\n\na").Should().BeNull("the template drops the reasoning of assistant turns, so its prompt is no prefix");
    }

    [Fact]
    public void A_conversation_renders_whole_with_the_configured_system_turn_when_it_has_none()
    {
        var chat = new ChatPromptTemplate(Real("llama3.1"), "Be brief.");
        chat.FormatConversation([ChatMessage.User("hi"), ChatMessage.Assistant("hello"), ChatMessage.User("2+2?")]).Should().Be(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\nBe brief.<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nhello<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\n2+2?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
    }
}
