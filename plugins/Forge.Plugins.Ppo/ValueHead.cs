using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Forge.Plugins.Ppo;

/// <summary>A scalar value per position from the policy's final hidden state (the trunk is shared with the policy).</summary>
internal sealed class ValueHead : nn.Module<Tensor, Tensor>
{
    /// <summary>The key of the stage's value head among the training context's trainables.</summary>
    public const string Key = "ppo/value-head";

    private readonly Linear _projection;

    public ValueHead(long hiddenSize, Device device) : base(nameof(ValueHead))
    {
        _projection = nn.Linear(hiddenSize, 1);
        RegisterComponents();
        // Start near zero so early advantages come from rewards, not from a random critic.
        using (no_grad())
        {
            _projection.weight!.normal_(0, 1.0 / (hiddenSize + 1));
            _projection.bias!.zero_();
        }
        this.to(device);
        // Created during a step; it must outlive that step's dispose scope.
        foreach (var parameter in parameters()) parameter.DetachFromDisposeScope();
    }

    public override Tensor forward(Tensor hidden) => _projection.forward(hidden.to(float32)).squeeze(-1);
}
