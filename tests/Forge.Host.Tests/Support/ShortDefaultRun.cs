namespace Forge.Host.Tests.Support;

/// <summary>
/// <c>--set</c> arguments that shrink the default pipeline (r1-mini, minutes long) to seconds while keeping every
/// stage; the rejection threshold is lowered so that a barely trained model still leaves the student some traces.
/// </summary>
internal static class ShortDefaultRun
{
    public static IEnumerable<string> Arguments() =>
        new[] { "Stages:0:MaxSteps=60", "Stages:1:Steps=3", "Stages:2:Prompts=32", "Stages:2:Thresholds:accuracy=0",
                "Stages:3:MaxSteps=5", "Eval:Prompts=6", "Eval:K=2" }
            .SelectMany(set => new[] { "--set", $"Pipelines:r1-mini:{set}" });
}
