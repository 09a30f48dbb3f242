using static TorchSharp.torch;

namespace Forge.Contracts.Training;

/// <summary>What a model says about the completion positions of a batch, each [rows, completion length, …].</summary>
/// <param name="LogProbs">[rows, T] float32 log-prob of each completion token.</param>
/// <param name="Entropy">[rows, T] entropy of each position's distribution, when asked for.</param>
/// <param name="Hidden">[rows, T, hidden] final hidden state at the position that predicts each token, when asked for.</param>
public sealed record SequenceOutputs(Tensor LogProbs, Tensor? Entropy, Tensor? Hidden);
