using Forge.Core.Devices;

namespace Forge.Core.Tests.Models;

public class DeterminismTests
{
    [Fact]
    public void Deterministic_mode_flips_libtorchs_switch_and_sets_the_cublas_workspace()
    {
        Determinism.Enabled.Should().BeFalse("libtorch starts nondeterministic");
        try
        {
            Determinism.Enable().Should().BeNull();
            Determinism.Enabled.Should().BeTrue();
            Determinism.GetEnvironment("CUBLAS_WORKSPACE_CONFIG").Should().NotBeNullOrEmpty();
        }
        finally
        {
            Determinism.Disable().Should().BeNull();
        }
        Determinism.Enabled.Should().BeFalse();
    }
}
