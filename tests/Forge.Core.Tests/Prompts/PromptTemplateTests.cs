using Forge.Core.Prompts;

namespace Forge.Core.Tests.Prompts;

public class PromptTemplateTests
{
    [Fact]
    public void R1_renders_the_papers_table_1_text()
    {
        PromptTemplate.Parse("r1").Format("What is 2+3?").Should().Be(
            "A conversation between User and Assistant. The user asks a question, and the Assistant solves it. The assistant first " +
            "thinks about the reasoning process in the mind and then provides the user with the answer. The reasoning process and " +
            "answer are enclosed within <think> </think> and <answer> </answer> tags, respectively, i.e., <think> reasoning process " +
            "here </think> <answer> answer here </answer>. User: What is 2+3?. Assistant:");
        PromptTemplate.Parse(" DeepSeek-R1 ").Name.Should().Be("r1");
    }

    [Fact]
    public void Chatml_renders_a_user_turn_with_an_optional_system_turn()
    {
        PromptTemplate.Parse("chatml").Format("hi").Should().Be("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
        PromptTemplate.Parse("ChatML:Be brief {prompt}.").Format("hi").Should()
            .Be("<|im_start|>system\nBe brief {prompt}.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
        PromptTemplate.ChatMlWithSystem("").Format("x").Should().Be(PromptTemplate.Parse("chatml").Format("x"));
    }

    [Fact]
    public void Format_strings_fill_every_placeholder_and_insert_the_prompt_verbatim()
    {
        IPromptTemplate template = PromptTemplate.Parse("Q: {prompt}\nA ({prompt}):");
        template.Name.Should().Be("custom");
        template.Format("2+2?").Should().Be("Q: 2+2?\nA (2+2?):");
        template.Format("say {prompt}").Should().Be("Q: say {prompt}\nA (say {prompt}):");
        PromptTemplate.Parse("{prompt}").Format("as is").Should().Be("as is");
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("")]
    [InlineData("{Prompt}")]
    public void Unknown_names_are_a_data_error(string spec)
    {
        ((Action)(() => PromptTemplate.Parse(spec))).Should().Throw<ForgeDataException>().WithMessage($"prompt template \"{spec}\"*");
    }
}
