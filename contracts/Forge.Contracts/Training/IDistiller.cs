namespace Forge.Contracts.Training;

/// <summary>Trains a student on traces (SFT) or against a teacher's distribution (KD).</summary>
public interface IDistiller
{
    /// <summary>One update on <paramref name="batch"/> (completion tokens carry the loss); returns metrics such as <c>loss</c>.</summary>
    IReadOnlyDictionary<string, double> Step(TokenBatch batch, ITrainingContext context, CancellationToken cancellationToken = default);
}
