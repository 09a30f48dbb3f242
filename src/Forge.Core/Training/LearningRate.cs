namespace Forge.Core.Training;

/// <summary>The learning rate at an update: linear warm-up, then the configured decay.</summary>
public static class LearningRate
{
    /// <summary>Rate for update number <paramref name="step"/> (0-based).</summary>
    public static double At(TrainingOptions options, int step)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (step < options.WarmupSteps) return options.LearningRate * (step + 1) / (options.WarmupSteps + 1);
        int decaySteps = options.TotalSteps - options.WarmupSteps;
        if (options.Schedule == LearningRateSchedule.Constant || decaySteps <= 0) return options.LearningRate;
        double progress = Math.Clamp((double)(step - options.WarmupSteps) / decaySteps, 0, 1);
        return options.Schedule == LearningRateSchedule.Cosine
            ? options.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * progress))
            : options.LearningRate * (1 - progress);
    }
}
