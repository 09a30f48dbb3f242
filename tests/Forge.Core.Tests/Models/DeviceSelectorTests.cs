using Forge.Core.Devices;
using TorchSharp;

namespace Forge.Core.Tests.Models;

public class DeviceSelectorTests
{
    [Theory]
    [InlineData("cpu")]
    [InlineData(" CPU ")]
    public void Cpu_needs_no_initialisation(string name) => DeviceSelector.Parse(name).type.Should().Be(DeviceType.CPU);

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    [InlineData("")]
    public void Malformed_names_are_refused_before_touching_cuda(string name)
    {
        var act = () => DeviceSelector.Parse(name);
        act.Should().Throw<ForgeDataException>().WithMessage("*expected cpu, cuda or cuda:N*");
    }

    [Fact]
    public void Cuda_without_a_cuda_libtorch_points_at_an_installed_pytorch()
    {
        if (torch.cuda.is_available()) return; // a CUDA machine: nothing to refuse
        var act = () => DeviceSelector.Parse("cuda:0");
        act.Should().Throw<ForgeDataException>().Which.Message.Should().Contain("LD_LIBRARY_PATH").And.Contain("torch/lib").And.NotContain("\n");
    }
}
