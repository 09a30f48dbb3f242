using System.Reflection;
using System.Text.Json;
using Forge.Contracts.Plugins;
using Forge.Contracts.Sampling;
using Forge.Core.Checkpoints;
using Forge.Core.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static TorchSharp.torch;

namespace Forge.Plugins.Sampling.Tests;

/// <summary>Stop strings, min-p, temperature log-probs, chunking, G copies, cancellation and plugin registration.</summary>
public class SamplerSettingsTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "TestData", "models");
    private static readonly JsonElement Case0 = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "expected.json"))).RootElement
        .GetProperty("llama").GetProperty("cases")[0];
    private static readonly int[] Prompt = Case0.GetProperty("prompt_ids").EnumerateArray().Select(v => v.GetInt32()).ToArray();
    private static readonly int[] Greedy = Case0.GetProperty("greedy_ids").EnumerateArray().Select(v => v.GetInt32()).ToArray();

    private static DecoderModel Load() => CheckpointLoader.Load(Path.Combine(Root, "llama"), CPU, ScalarType.Float32);

    private static SamplingRequest Request(DecoderModel model, GenerationSettings settings, int g = 1, int prompts = 1) =>
        new(model, new IdTokenizer(model.VocabSize), Enumerable.Repeat((IReadOnlyList<int>)Prompt, prompts).ToList(), g, settings, 3);

    [Fact]
    public void A_stop_string_ends_the_completion_and_the_text_is_cut_after_it()
    {
        using var model = Load();
        var tokenizer = new IdTokenizer(model.VocabSize);
        string stop = $"{Greedy[2]} {Greedy[3]}";
        int length = Enumerable.Range(1, Greedy.Length).First(n => tokenizer.Decode(Greedy.Take(n)).Contains(stop, StringComparison.Ordinal));
        string full = tokenizer.Decode(Greedy.Take(length));

        var completion = new KvCacheSampler(new SamplerOptions()).Sample(Request(model, new GenerationSettings { Greedy = true, MaxNewTokens = 16, StopStrings = [stop] }))[0];

        completion.TokenIds.Should().Equal(Greedy.Take(length));
        completion.Text.Should().Be(full[..(full.IndexOf(stop, StringComparison.Ordinal) + stop.Length)]);
        completion.Truncated.Should().BeFalse();
    }

    [Fact]
    public void Min_p_of_one_keeps_only_the_top_token()
    {
        using var model = Load();
        var completion = new KvCacheSampler(new SamplerOptions()).Sample(Request(model, new GenerationSettings { MinP = 1.0, MaxNewTokens = 16 }))[0];
        completion.TokenIds.Should().Equal(Greedy);
        completion.LogProbs.Should().AllSatisfy(lp => lp.Should().BeApproximately(0f, 1e-5f));
    }

    [Fact]
    public void Sampled_log_probs_are_under_the_tempered_distribution()
    {
        using var model = Load();
        const double temperature = 0.7;
        var completion = new KvCacheSampler(new SamplerOptions()).Sample(Request(model, new GenerationSettings { Temperature = temperature, MaxNewTokens = 4 }))[0];

        using var noGrad = no_grad();
        var ids = Prompt.Concat(completion.TokenIds).Select(i => (long)i).ToArray();
        using var logits = model.Logits(model.Hidden(tensor(ids).unsqueeze(0)))[0];
        using var tempered = (logits / temperature).log_softmax(-1);
        for (int i = 0; i < completion.TokenIds.Count; i++)
            completion.LogProbs[i].Should().BeApproximately(tempered[Prompt.Length - 1 + i, completion.TokenIds[i]].item<float>(), 1e-4f);
    }

    [Fact]
    public void Greedy_copies_and_small_chunks_give_the_same_completions_as_one_batch()
    {
        using var model = Load();
        var settings = new GenerationSettings { Greedy = true, MaxNewTokens = 16 };
        var chunked = new KvCacheSampler(new SamplerOptions { MaxBatchRows = 2 }).Sample(Request(model, settings, g: 3, prompts: 2));
        chunked.Select(c => c.PromptIndex).Should().Equal(0, 0, 0, 1, 1, 1);
        chunked.Should().AllSatisfy(c => c.TokenIds.Should().Equal(Greedy));
    }

    [Fact]
    public void A_cancelled_request_stops()
    {
        using var model = Load();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var act = () => new KvCacheSampler(new SamplerOptions()).Sample(Request(model, new GenerationSettings { MaxNewTokens = 4 }), cancelled.Token);
        act.Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void The_module_exports_kv_cache_as_a_sampler_bound_to_its_options()
    {
        var attribute = typeof(SamplingPlugin).GetCustomAttribute<ForgePluginAttribute>()!;
        attribute.Name.Should().Be("kv-cache");
        attribute.Kind.Should().Be(PluginKind.Sampler);
        attribute.Description.Should().NotBeNullOrWhiteSpace();

        using (var provider = Build(new() { ["MaxBatchRows"] = "8" }))
            provider.GetRequiredKeyedService<ISampler>("kv-cache").Should().BeOfType<KvCacheSampler>();
        using (var provider = Build(new() { ["MaxBatchRows"] = "0" }))
            ((Action)(() => provider.GetRequiredKeyedService<ISampler>("kv-cache"))).Should().Throw<OptionsValidationException>();
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(kv => KeyValuePair.Create($"Samplers:kv-cache:{kv.Key}", kv.Value)))
            .Build();
        var services = new ServiceCollection();
        new SamplingPlugin().ConfigureServices(services, new PluginContext("kv-cache", PluginKind.Sampler, configuration.GetSection("Samplers:kv-cache")));
        return services.BuildServiceProvider();
    }
}
