namespace Forge.Contracts.Training;

/// <summary>The outcome of one optimizer update.</summary>
/// <param name="Applied">False when the gradients were not finite and the update was skipped.</param>
/// <param name="GradNorm">Global gradient norm before clipping.</param>
/// <param name="LearningRate">Learning rate the update used.</param>
public sealed record OptimizerStepResult(bool Applied, double GradNorm, double LearningRate);
