using static TorchSharp.torch;

namespace Forge.Core.Stages;

/// <summary>
/// Makes torch's global generator a function of (seed, step): reseeded at the start of every training step, so that a
/// plugin drawing from it (a value head's initialisation) draws the same numbers whether or not the run was resumed,
/// and a step checkpoint needs no generator state.
/// </summary>
internal static class StepSeeds
{
    public static void Reseed(int seed, int step) => manual_seed(seed * 1_000_003L + step * 7_919L + 104_729L);
}
