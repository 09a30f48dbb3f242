using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Forge.Plugins.Distillation;

/// <summary>Options of the <c>kd</c> distiller (section <c>Distillers:kd</c>); the names follow TRL's GKDConfig.</summary>
public sealed class KdOptions
{
    /// <summary>
    /// Interpolation of the generalized Jensen–Shannon divergence: 0 = forward KL(teacher ‖ student) (mass-covering,
    /// classic distillation), 1 = reverse KL(student ‖ teacher) (mode-seeking), in between = JSD(β).
    /// </summary>
    [Description("Interpolation of the generalized Jensen–Shannon divergence: 0 = forward KL(teacher ‖ student) (mass-covering, classic distillation), 1 = reverse KL(student ‖ teacher) (mode-seeking), in between = JSD(β).")]
    [Range(0.0, 1.0)]
    public double Beta { get; set; } = 0.5;

    /// <summary>Both distributions are softened by this temperature before they are compared.</summary>
    [Description("Both distributions are softened by this temperature before they are compared.")]
    [Range(1e-3, 100.0)]
    public double Temperature { get; set; } = 1.0;
}
