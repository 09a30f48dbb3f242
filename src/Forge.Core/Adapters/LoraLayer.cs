using Forge.Core.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Forge.Core.Adapters;

/// <summary>One of PEFT's modules inside a (possibly fused) Forge projection: its name and the output rows it owns.</summary>
/// <param name="Module">PEFT's module name, e.g. <c>q_proj</c>.</param>
/// <param name="Start">First output row of the projection that belongs to it.</param>
/// <param name="Rows">Its output rows.</param>
public sealed record ProjectionPart(string Module, long Start, long Rows);

/// <summary>
/// The LoRA branch of one Forge projection: for each targeted part (q_proj, k_proj and v_proj share Forge's fused qkv
/// projection, gate_proj and up_proj its gate_up) a pair lora_A [r, in] (Kaiming-uniform, as PEFT) and lora_B [rows, r]
/// (zeros), adding scaling · B·A·dropout(x) to the part's rows of the output; parts not targeted get nothing. The pairs
/// are kept in float32 and applied in the activations' dtype; dropout (one mask for the whole fused input) acts only in
/// training mode and only on the branch.
/// </summary>
public sealed class LoraLayer : nn.Module, IProjectionBranch
{
    // Neither the owning adapter nor the projection may sit in a module-typed field: TorchSharp registers those as
    // children, which would make the base's weight an adapter parameter (and the owner a cycle).
    private readonly Func<bool> _enabled;
    private readonly Func<Linear> _layer;
    private readonly ProjectionPart[] _parts;
    private readonly Parameter?[] _a, _b;

    /// <summary>The branch of <paramref name="layer"/> with <paramref name="parts"/>; only targeted parts get weights.</summary>
    internal LoraLayer(Func<bool> enabled, Linear layer, IReadOnlyList<ProjectionPart> parts, LoraSpec spec, bool initialize, Generator? generator) : base(nameof(LoraLayer))
    {
        _enabled = enabled;
        _layer = () => layer;
        _parts = [.. parts];
        _a = new Parameter?[_parts.Length];
        _b = new Parameter?[_parts.Length];
        var weight = layer.weight!;
        long inputs = weight.size(1);
        var device = weight.device;
        for (int i = 0; i < _parts.Length; i++)
        {
            if (!spec.TargetModules.Contains(_parts[i].Module)) continue;
            // Drawn on the CPU so that a seed gives the same adapter on every device; bound 1/√in is Kaiming-uniform with a = √5.
            using var a = initialize ? empty([spec.Rank, inputs], ScalarType.Float32).uniform_(-1 / Math.Sqrt(inputs), 1 / Math.Sqrt(inputs), generator) : empty([spec.Rank, inputs], ScalarType.Float32);
            _a[i] = new Parameter(a.to(device).DetachFromDisposeScope());
            _b[i] = new Parameter(zeros([_parts[i].Rows, spec.Rank], ScalarType.Float32, device).DetachFromDisposeScope());
            register_parameter($"lora_A_{_parts[i].Module}", _a[i]!);
            register_parameter($"lora_B_{_parts[i].Module}", _b[i]!);
        }
        Scaling = spec.Scaling;
        Dropout = spec.Dropout;
    }

    /// <summary>The projection this branch belongs to.</summary>
    public Linear Layer => _layer();

    /// <summary>The update's scale.</summary>
    public double Scaling { get; }

    /// <summary>Dropout probability on the branch's input while training.</summary>
    public double Dropout { get; }

    /// <summary>The targeted parts with their A [r, in] and B [rows, r].</summary>
    public IEnumerable<(ProjectionPart Part, Parameter A, Parameter B)> Pairs =>
        Enumerable.Range(0, _parts.Length).Where(i => _a[i] is not null).Select(i => (_parts[i], _a[i]!, _b[i]!));

    /// <inheritdoc />
    public Tensor Apply(Tensor input, Tensor output)
    {
        if (!_enabled()) return output;
        using var scope = NewDisposeScope();
        var x = training && Dropout > 0 ? nn.functional.dropout(input, Dropout, training: true) : input;
        var pieces = new List<Tensor>(_parts.Length);
        for (int i = 0; i < _parts.Length; i++)
        {
            if (_a[i] is null)
            {
                pieces.Add(zeros([.. output.shape[..^1], _parts[i].Rows], output.dtype, output.device));
                continue;
            }
            var down = nn.functional.linear(x, _a[i]!.to(x.dtype));
            pieces.Add(nn.functional.linear(down, _b[i]!.to(x.dtype)) * Scaling);
        }
        var delta = pieces.Count == 1 ? pieces[0] : cat(pieces, -1);
        return (output + delta.to(output.dtype)).MoveToOuterDisposeScope();
    }

    /// <summary>The update scaling · B·A as a [out, in] float32 matrix (zero rows for parts not targeted).</summary>
    public Tensor Delta()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var weight = Layer.weight!;
        var delta = zeros([weight.size(0), weight.size(1)], ScalarType.Float32, weight.device);
        foreach (var (part, a, b) in Pairs)
            delta.narrow(0, part.Start, part.Rows).add_(matmul(b, a), alpha: Scaling);
        return delta.MoveToOuterDisposeScope();
    }
}
