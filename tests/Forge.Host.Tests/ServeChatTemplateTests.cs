using Forge.Contracts.Sampling;
using Forge.Core.Artifacts;
using Forge.Core.Prompts;
using Forge.Core.Stages;
using Forge.Core.Tokenizers;
using Forge.Host.Serving;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// With the model's own chat template, <c>forge serve</c> renders the whole conversation with it (as vLLM does), and a
/// conversation the template refuses is a 400 carrying the template's message.
/// </summary>
public class ServeChatTemplateTests
{
    private sealed class RecordingSampler : ISampler
    {
        public IReadOnlyList<int>? Prompt { get; private set; }

        public IReadOnlyList<Completion> Sample(SamplingRequest request, CancellationToken cancellationToken = default)
        {
            Prompt = request.Prompts[0];
            return [new Completion(0, [100], [0f], "x", false)];
        }
    }

    private static ChatModel Serve(string family, ISampler sampler)
    {
        var template = new ChatPromptTemplate(ChatTemplate.Load(Path.Combine(AppContext.BaseDirectory, "TestData", "chat_templates", family)));
        var tokenizer = TokenizerLoader.Load(ServeTestModel.Tokenizer);
        var model = new StageModel(new ModelStore().Load(ServeTestModel.Folder, TorchSharp.torch.CPU, TorchSharp.torch.ScalarType.Float32), tokenizer, ServeTestModel.Tokenizer);
        return new ChatModel(model, sampler, template, "llama", new ServeLimits { ContextLength = ServeTestModel.Positions });
    }

    [Fact]
    public void The_whole_conversation_is_rendered_by_the_models_template()
    {
        var sampler = new RecordingSampler();
        var chat = Serve("mistral-v0.3", sampler);
        var turns = new[] { new ChatTurn("system", "Be brief."), new ChatTurn("user", "hi"), new ChatTurn("assistant", "hello"), new ChatTurn("user", "2+2?") };
        chat.Prepare(new ChatCompletionRequest { Messages = turns, MaxTokens = 1 })(CancellationToken.None);
        sampler.Prompt.Should().Equal(TokenizerLoader.Load(ServeTestModel.Tokenizer).Encode("<s>[INST] hi[/INST] hello</s>[INST] Be brief.\n\n2+2?[/INST]"));
    }

    [Fact]
    public void A_conversation_the_template_refuses_is_a_400_with_its_message()
    {
        var chat = Serve("mistral-v0.3", new RecordingSampler());
        var act = () => chat.Prepare(new ChatCompletionRequest { Messages = [new ChatTurn("user", "a"), new ChatTurn("user", "b")] });
        act.Should().Throw<ApiError>().Where(e => e.Status == 400 && e.Param == "messages")
            .WithMessage("the model's chat template refused the conversation: *conversation roles must alternate user/assistant/user/assistant/...");
    }
}
