using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Forge.Core.Metrics;

/// <summary>
/// The run's metrics as TensorBoard scalars (<c>tensorboard --logdir &lt;run&gt;/tensorboard</c>), written by
/// TorchSharp's <see cref="SummaryWriter"/>: tag <c>&lt;stage&gt;/&lt;metric&gt;</c>, x axis the stage's step, so
/// the curves of one stage sit together and stages never overwrite each other's points.
/// </summary>
public sealed class TensorBoardLog
{
    private readonly SummaryWriter _writer;

    /// <summary>Writes event files into <c>tensorboard/</c> of <paramref name="runDirectory"/>.</summary>
    public TensorBoardLog(string runDirectory)
    {
        Directory = System.IO.Path.Combine(runDirectory, "tensorboard");
        _writer = utils.tensorboard.SummaryWriter(Directory, createRunName: false);
    }

    /// <summary>The folder of the event files.</summary>
    public string Directory { get; }

    /// <summary>Adds one scalar per finite metric.</summary>
    public void Record(string stage, int step, IReadOnlyDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        foreach (var (key, value) in metrics)
            if (double.IsFinite(value)) _writer.add_scalar($"{stage}/{key}", (float)value, step);
    }
}
