using Forge.Core.Stages;
using Microsoft.Extensions.Configuration;

namespace Forge.Core.Pipelines;

/// <summary>A stage of a checked pipeline: its bound options and the section they came from.</summary>
/// <param name="Name">The stage's name (its Name, else its Kind).</param>
/// <param name="Kind">The stage kind.</param>
/// <param name="Options">The bound, validated options.</param>
/// <param name="Section">The stage's configuration section.</param>
public sealed record PlannedStage(string Name, string Kind, StageOptions Options, IConfigurationSection Section);
