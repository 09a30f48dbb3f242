using Forge.Core.Devices;
using Forge.Core.Distributed;
using Forge.Core.Stages;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Core.Tests.Stages;

/// <summary>
/// The steps' <c>memory/…</c> metrics: the allocator's peaks start again with each step, figures are in MiB, a device
/// without figures adds none, and over ranks the fullest rank's figures are the step's.
/// </summary>
public class StepMemoryTests
{
    private sealed class Allocator(DeviceMemoryStats? stats) : IDeviceMemory
    {
        public List<Device> Resets { get; } = [];

        public DeviceMemoryStats? Read(Device device) => stats;

        public void ResetPeaks(Device device) => Resets.Add(device);
    }

    private const long Mib = 1024 * 1024;

    [Fact]
    public void A_step_starts_the_peaks_again_and_reports_them_in_mib()
    {
        var allocator = new Allocator(new DeviceMemoryStats(Allocated: 3 * Mib, PeakAllocated: 5 * Mib + Mib / 2, Reserved: 8 * Mib, PeakReserved: 9 * Mib));
        var memory = new StepMemory(allocator, CPU);
        allocator.Resets.Should().ContainSingle().Which.type.Should().Be(DeviceType.CPU);
        var metrics = new Dictionary<string, double>();
        memory.AddTo(metrics);
        metrics.Should().BeEquivalentTo(new Dictionary<string, double>
        {
            ["memory/peak_allocated_mib"] = 5.5, ["memory/peak_reserved_mib"] = 9, ["memory/allocated_mib"] = 3,
        });
    }

    [Fact]
    public void A_device_without_figures_adds_no_memory_metric()
    {
        var metrics = new Dictionary<string, double>();
        new StepMemory(null, CPU).AddTo(metrics);
        new StepMemory(new Allocator(null), CPU).AddTo(metrics);
        metrics.Should().BeEmpty();
    }

    [Fact]
    public void Over_ranks_memory_is_the_fullest_rank_s_while_a_plugin_s_value_is_averaged()
    {
        var combined = InProcessWorld.Run(2, communicator => RankMetrics.Combine(communicator, new Dictionary<string, double>
        {
            ["memory/peak_allocated_mib"] = communicator.Rank == 0 ? 700 : 300,
            ["memory/peak_reserved_mib"] = communicator.Rank == 0 ? 800 : 900,
            ["loss"] = communicator.Rank,
        }));
        combined.Should().AllSatisfy(m =>
        {
            m["memory/peak_allocated_mib"].Should().Be(700);
            m["memory/peak_reserved_mib"].Should().Be(900);
            m["loss"].Should().Be(0.5);
        });
    }
}
