namespace Forge.Host.Tests.Support;

/// <summary>
/// Tests whose runs must be exactly reproducible. <see cref="ForgeProcess"/> runs forge in this process, and torch's
/// default generator (which seeds a new model's weights) is process-wide, so another test's run could draw from it
/// between a stage's seeding and its model's initialisation. These tests run when no other test does.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SeededRuns
{
    public const string Name = "seeded runs";
}
