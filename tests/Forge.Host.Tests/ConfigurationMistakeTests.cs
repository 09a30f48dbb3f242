using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// Configuration mistakes a new user makes, at every level — typos, wrong types, bad ranges, unknown plugins and
/// sections, bad devices in later stages, missing files: each is refused with exit 2 and one line naming the key,
/// before any stage trains (no run folder is written).
/// </summary>
public class ConfigurationMistakeTests
{
    private const string Stages = "Pipelines:r1-mini:Stages";

    public static TheoryData<string, string> Mistakes => new()
    {
        { $"{Stages}:1:Stpes=10", $"{Stages}:1:Stpes: unknown key; did you mean Steps?" },
        { $"{Stages}:0:Training:LearningRat=0.1", $"{Stages}:0:Training:LearningRat: unknown key; did you mean LearningRate?" },
        { $"{Stages}:1:Generation:Temprature=0.5", $"{Stages}:1:Generation:Temprature: unknown key; did you mean Temperature?" },
        { "Pipelines:r1-mini:Eval:Promps=5", "Pipelines:r1-mini:Eval:Promps: unknown key; did you mean Prompts?" },
        { $"{Stages}:1:Steps=many", $"{Stages}:1:Steps: 'many' is not an integer" },
        { $"{Stages}:1:DynamicSampling=maybe", $"{Stages}:1:DynamicSampling: 'maybe' is not true or false" },
        { $"{Stages}:0:Training:Schedule=Cosin", $"{Stages}:0:Training:Schedule: 'Cosin' is not one of Cosine, Linear, Constant" },
        { $"{Stages}:1:Training:LearningRate=5", $"{Stages}:1:Training:LearningRate: 5 is out of range [0, 1]" },
        { $"{Stages}:1:CompletionsPerPrompt=0", $"{Stages}:1:CompletionsPerPrompt: 0 is out of range" },
        { $"{Stages}:3:Device=gpu", $"{Stages}:3:Device: expected cpu, cuda or cuda:N" },
        { $"{Stages}:3:DType=float8", $"{Stages}:3:DType: expected float32, bfloat16 or float16" },
        { $"{Stages}:2:PromptSource=summs", $"{Stages}:2:PromptSource: no prompt-source plugin named 'summs'; did you mean sums?" },
        { $"{Stages}:1:Optimizer:Plugin=grpoo", $"{Stages}:1:Optimizer:Plugin: no optimizer plugin named 'grpoo'; did you mean grpo?" },
        { $"{Stages}:1:Optimizer:Beta=-1", $"{Stages}:1:Optimizer:Beta: -1 is out of range [0, 10]" },
        { $"{Stages}:1:Rewards:acuracy=1", $"{Stages}:1:Rewards:acuracy: no reward plugin named 'acuracy'; did you mean accuracy?" },
        { $"{Stages}:1:Rewards:overlong:Weight=heavy", $"{Stages}:1:Rewards:overlong:Weight: 'heavy' is not a number" },
        { $"{Stages}:1:Rewards:format:Weight=heavy", $"{Stages}:1:Rewards:format: given both as '0.2' and with format:Weight 'heavy'" },
        { $"{Stages}:2:Thresholds:formatt=1", $"{Stages}:2:Thresholds:formatt: no reward 'formatt' in Rewards" },
        { "Rewards:acuracy:Foo=1", "Rewards:acuracy: no reward plugin named 'acuracy'" },
        { "Rewards:accuracy:Foo=1", "Rewards:accuracy:Foo: unknown key" },
        { "Rewards:overlong:MaxLength=abc", "Rewards:overlong:MaxLength: 'abc' is not an integer" },
        { "Forge:RewardIsolation:Timeout=5", "Forge:RewardIsolation:Timeout: '5' has no unit" },
        { "Forge:CollectiveTimeout=8d", "Forge:CollectiveTimeout: 8.00:00:00 is out of range" },
        { "Forge:AllowedPluginSha256=abc", "Forge:AllowedPluginSha256: expected a list" },
        { "Forge:Sed=1", "Forge:Sed: unknown key; did you mean Seed?" },
        { "Pipelnes:x:Stages:0:Kind=sft", "Pipelnes: unknown section; did you mean Pipelines?" },
        { $"{Stages}:0:PromptSource=arithmetic", $"{Stages}:0:PromptSource: give Data or PromptSource, not both" },
        { $"{Stages}:3:Data=data/missing.jsonl", $"{Stages}:3:Data: 'data/missing.jsonl' does not exist" },
        { $"{Stages}:3:Teacher=checkpoints/no-such-stage", $"{Stages}:3:Teacher: 'checkpoints/no-such-stage' does not exist" },
        { $"{Stages}:0:Kind=sfft", $"{Stages}:0:Kind: unknown stage kind 'sfft'; did you mean sft?" },
        { $"{Stages}:1:Name=cold-start", $"{Stages}:1:Name: stage name 'cold-start' is used twice" },
        { "Pipelines:r1-mini:Eval:Tasks:sums=acuracy", "Pipelines:r1-mini:Eval:Tasks:sums: no reward plugin named 'acuracy'" },
        { $"{Stages}:3:Eval:Sampler=kv", $"{Stages}:3:Eval:Sampler: no sampler plugin named 'kv'" },
        { $"{Stages}:1:Optimizer=ppo", $"{Stages}:1:Optimizer: given both as 'ppo' and with Optimizer:Plugin 'grpo'" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void A_mistake_is_one_line_naming_its_key_before_any_stage_runs(string assignment, string expected)
    {
        using var dir = new TempDirectory();
        var result = ForgeProcess.Run("run", "--output", dir.Combine("run"), "--set", assignment);

        result.ExitCode.Should().Be(2, result.Error);
        string[] lines = result.ErrorText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainSingle($"one error line is expected, got:\n{result.Error}").Which.Should().StartWith("error: " + expected);
        result.Error.Should().NotContain("   at ");
        Directory.Exists(dir.Combine("run")).Should().BeFalse("the whole configuration is checked before anything is written");
    }

    [Fact]
    public void An_unknown_pipeline_suggests_the_closest()
    {
        var result = ForgeProcess.Run("run", "--pipeline", "r1-mni");
        result.ExitCode.Should().Be(2);
        result.ErrorText.Trim().Should().StartWith("error: unknown pipeline 'r1-mni'; did you mean r1-mini?");
    }
}
