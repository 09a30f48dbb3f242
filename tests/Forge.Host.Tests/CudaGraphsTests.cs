using Forge.Contracts.Devices;
using Forge.Cuda.Graphs;
using Forge.Host.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace Forge.Host.Tests;

/// <summary>
/// Forge.Cuda's CUDA graphs where there is no CUDA (the CPU build): the host offers them, and they say in one line why
/// they cannot capture, so the sampler decodes eagerly. (tests/gpu's graphs_match_eager covers the CUDA side.)
/// </summary>
[Collection(KernelRegistration.Name)]
public class CudaGraphsTests
{
    [Fact]
    public void On_the_cpu_the_host_offers_graphs_that_say_why_they_cannot_capture()
    {
        using var provider = new ServiceCollection().AddCudaGraphs().BuildServiceProvider();
        var graphs = provider.GetRequiredService<IDeviceGraphs>();
        graphs.Unavailable(CPU).Should().Be("the device is CPU, not CUDA");
        GraphsLibrary.LoadedTorchDirectory().Should().BeNull("the CPU build loads no libtorch_cuda");
        GraphsLibrary.Unavailable.Should().Be("libtorch_cuda is not loaded (a CPU build of libtorch)");
        graphs.Invoking(g => g.UseSideStream(CPU)).Should().Throw<InvalidOperationException>().WithMessage("*the device is CPU*");
    }

    [Fact]
    public void The_host_offers_the_fused_kernels_which_say_on_the_cpu_that_they_do_not_run_there()
    {
        using var provider = new ServiceCollection().AddCudaGraphs().BuildServiceProvider();
        var picker = provider.GetRequiredService<ITokenPicker>();
        picker.Unavailable(CPU).Should().Be("the device is CPU, not CUDA");
        Forge.Core.Models.DecodeKernels.Installed.Should().BeSameAs(picker, "one instance serves the models and the samplers");
        using var model = new Forge.Core.Models.DecoderModel(Forge.Core.Models.ModelConfig.Parse((System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(
            """{"model_type":"qwen2","hidden_size":8,"intermediate_size":16,"num_hidden_layers":1,"num_attention_heads":2,"num_key_value_heads":1,"vocab_size":11,"max_position_embeddings":32,"rms_norm_eps":1e-6}""")!, "test"), CPU, ScalarType.Float32);
        model.Kernels.Should().BeSameAs(picker, "models built after the registration use the installed kernels where they run");
    }

    [Fact]
    public void With_fused_kernels_off_the_host_offers_no_picker_and_models_use_no_kernels()
    {
        try
        {
            using var provider = new ServiceCollection().AddCudaGraphs(fusedKernels: false).BuildServiceProvider();
            provider.GetService<ITokenPicker>().Should().BeNull("samplers pick tokens with TorchSharp's operations");
            provider.GetRequiredService<IDeviceGraphs>().Should().NotBeNull("graphs do not depend on the kernels");
            Forge.Core.Models.DecodeKernels.Installed.Should().BeNull("the models' default goes too");
        }
        finally
        {
            new ServiceCollection().AddCudaGraphs(); // as every other test in this process expects
        }
    }

    [Fact]
    public void The_host_reads_device_memory_through_the_graph_library_which_has_no_figures_on_the_cpu()
    {
        using var provider = new ServiceCollection().AddCudaGraphs(fusedKernels: false).BuildServiceProvider();
        var memory = provider.GetRequiredService<Forge.Core.Devices.IDeviceMemory>();
        memory.Should().BeOfType<CudaMemory>("the stages' memory/… metrics read libtorch's CUDA allocator");
        memory.Read(CPU).Should().BeNull("the CPU has no caching allocator to read");
        memory.Invoking(m => m.ResetPeaks(CPU)).Should().NotThrow();
        new ServiceCollection().AddCudaGraphs(); // as every other test in this process expects
    }

    [Fact]
    public void The_build_is_cached_per_torch_version_read_from_its_version_file()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, "version.py"), "from typing import Optional\n__version__ = '2.11.0+cu130'\ngit_version = 'abc'\n");
        GraphsLibrary.TorchVersion(dir.Path).Should().Be("2.11.0+cu130");
        File.Delete(Path.Combine(dir.Path, "version.py"));
        GraphsLibrary.TorchVersion(dir.Path).Should().StartWith("torch-", "a folder without version.py is keyed by its path");
    }
}

/// <summary>Tests that change the process-wide <see cref="Forge.Core.Models.DecodeKernels.Installed"/> run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KernelRegistration
{
    public const string Name = "kernel registration";
}
