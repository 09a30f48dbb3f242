using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// Every verb end to end with hostile input — a missing path, a folder, an empty file, random bytes, invalid UTF-8, a
/// link to /dev/zero, a FIFO where a file belongs; weights holding NaN or overflowing; configs that lie; prompts longer
/// than the model; numbers out of range: each run ends within a bound with exit 2 and exactly one stderr line naming the
/// file, key or option, no stack trace.
/// </summary>
public sealed class HostileCliTests : IDisposable
{
    private static readonly string Data = Path.Combine(AppContext.BaseDirectory, "TestData");
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A model folder: the qwen2 fixture's config and weights (256 positions, vocabulary 400) and the fixture tokenizer.</summary>
    private string Model(string name = "model", Action<JsonObject>? config = null)
    {
        string folder = _dir.Combine(name);
        Directory.CreateDirectory(folder);
        var json = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(Data, "models", "qwen2", "config.json")))!;
        config?.Invoke(json);
        File.WriteAllText(Path.Combine(folder, "config.json"), json.ToJsonString());
        File.Copy(Path.Combine(Data, "models", "qwen2", "model.safetensors"), Path.Combine(folder, "model.safetensors"));
        File.Copy(Path.Combine(Data, "tokenizers", "fixture", "tokenizer.json"), Path.Combine(folder, "tokenizer.json"));
        return folder;
    }

    public static TheoryData<string, string> VerbAndKind()
    {
        var data = new TheoryData<string, string>();
        foreach (string verb in new[] { "tokenize", "generate", "eval", "score", "run", "report", "plugins", "serve" })
            foreach (string kind in HostileInput.Kinds)
                data.Add(verb, kind);
        return data;
    }

    /// <summary>The command line giving <paramref name="verb"/> a hostile file of <paramref name="kind"/>, and what its error must name.</summary>
    private (string[] Args, string Names) Hostile(string verb, string kind)
    {
        switch (verb)
        {
            case "tokenize":
            {
                string file = HostileInput.Make(kind, _dir.Combine("tok", "tokenizer.json"));
                return (["tokenize", "--tokenizer", file, "--text", "hi"], file);
            }
            case "generate" or "eval" or "serve":
            {
                string folder = Model();
                string config = HostileInput.Make(kind, Path.Combine(folder, "config.json"));
                string[] rest = verb switch
                {
                    "generate" => ["--prompt-ids", "1,2", "--max-new-tokens", "2"],
                    "eval" => ["--tasks", "arithmetic", "--k", "1", "--prompts", "1", "--max-new-tokens", "2"],
                    _ => ["--port", "0"],
                };
                return ([verb, "--model", folder, .. rest], config);
            }
            case "score":
            {
                string file = HostileInput.Make(kind, _dir.Combine("in.jsonl"));
                return (["score", "--rewards", "format", "--input", file], file);
            }
            case "run":
            {
                string file = HostileInput.Make(kind, _dir.Combine("forge.json"));
                return (["run", "--config", file, "--dry-run"], file);
            }
            case "report":
            {
                string file = HostileInput.Make(kind, _dir.Combine("run", "summary.json"));
                return (["report", "--run", _dir.Combine("run")], file);
            }
            case "plugins":
            {
                HostileInput.Make(kind, _dir.Combine("plugins", "Evil", "Evil.dll"));
                return (["plugins", "--plugins", _dir.Combine("plugins")], _dir.Combine("plugins", "Evil"));
            }
            default:
                throw new ArgumentException(verb, nameof(verb));
        }
    }

    [Theory]
    [MemberData(nameof(VerbAndKind))]
    public void A_hostile_file_is_one_line_naming_it_and_exit_2_within_the_bound(string verb, string kind)
    {
        var (args, names) = Hostile(verb, kind);

        var result = HostileInput.Run(args);

        if (verb == "score" && kind == "empty")
        {
            result.ExitCode.Should().Be(0, "an empty file is zero completions: nothing to score");
            result.Out.Should().BeEmpty();
            return;
        }
        HostileInput.ShouldRefuse(result, names);
    }

    [Fact]
    public void A_pre_tokenizer_pattern_that_backtracks_forever_ends_within_seconds()
    {
        string Tokenizer(string name, string pattern)
        {
            var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Data, "tokenizers", "fixture", "tokenizer.json")))!;
            json["pre_tokenizer"]!["pretokenizers"]![0]!["pattern"] = new JsonObject { ["Regex"] = pattern };
            return _dir.Write(Path.Combine(name, "tokenizer.json"), json.ToJsonString());
        }
        string text = new string('a', 40) + "b";
        var clock = Stopwatch.StartNew();

        var linear = HostileInput.Run("tokenize", "--tokenizer", Tokenizer("linear", "(a+)+$"), "--text", text);
        string backtracking = Tokenizer("backtracking", "(a|aa)+(?=c)");
        var stopped = HostileInput.Run("tokenize", "--tokenizer", backtracking, "--text", text);

        linear.ExitCode.Should().Be(0, linear.Error);
        HostileInput.ShouldRefuse(stopped, $"{backtracking}: pre-tokenizer regex \"(a|aa)+(?=c)\" ran longer than 2 s");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Weights_holding_nan_are_refused_naming_the_tensor()
    {
        string model = Model();
        string weights = Path.Combine(model, "model.safetensors");
        var header = ReadHeader(weights, out long dataStart);
        string first = header.EnumerateObject().Single(p => p.Name != "__metadata__" && p.Value.GetProperty("data_offsets")[0].GetInt64() == 0).Name;
        using (var stream = new FileStream(weights, FileMode.Open, FileAccess.Write))
        {
            stream.Seek(dataStart, SeekOrigin.Begin);
            stream.Write(BitConverter.GetBytes(float.NaN));
        }

        var result = HostileInput.Run("generate", "--model", model, "--prompt-ids", "1,2", "--greedy");

        HostileInput.ShouldRefuse(result, $"{weights}: tensor \"{first}\" holds NaN or infinite values");
    }

    /// <summary>A model with finite weights whose final norm scales the hidden state past float32's range: its logits come out infinite.</summary>
    private string OverflowingModel()
    {
        string model = Model("overflowing");
        string weights = Path.Combine(model, "model.safetensors");
        var header = ReadHeader(weights, out long dataStart);
        var norm = header.GetProperty("model.norm.weight");
        long begin = norm.GetProperty("data_offsets")[0].GetInt64(), end = norm.GetProperty("data_offsets")[1].GetInt64();
        using var stream = new FileStream(weights, FileMode.Open, FileAccess.Write);
        stream.Seek(dataStart + begin, SeekOrigin.Begin);
        for (long at = begin; at < end; at += 4) stream.Write(BitConverter.GetBytes(3e38f));
        return model;
    }

    [Fact]
    public void Logits_that_overflow_are_one_line_under_greedy_never_an_empty_output_and_exit_0()
    {
        var result = HostileInput.Run("generate", "--model", OverflowingModel(), "--prompt-ids", "1,2,3", "--greedy", "--max-new-tokens", "4");

        HostileInput.ShouldRefuse(result, "the model's logits are NaN or infinite at generated token 1");
    }

    [Fact]
    public async Task Serve_answers_a_model_whose_logits_overflow_with_a_server_error_naming_it()
    {
        using var served = new ServedModel(OverflowingModel(), "{prompt}");
        using var http = new HttpClient();

        var response = await http.PostAsJsonAsync(served.BaseUrl + "/chat/completions", new { messages = new[] { new { role = "user", content = "hi" } }, max_tokens = 2 });

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        string body = await response.Content.ReadAsStringAsync();
        body.Should().Contain("server_error").And.Contain("the model's logits are NaN or infinite");
    }

    private static JsonElement ReadHeader(string weights, out long dataStart)
    {
        using var stream = File.OpenRead(weights);
        var length = new byte[8];
        stream.ReadExactly(length);
        var header = new byte[BitConverter.ToUInt64(length)];
        stream.ReadExactly(header);
        dataStart = 8 + header.Length;
        return JsonDocument.Parse(header).RootElement.Clone();
    }

    [Fact]
    public void A_config_claiming_huge_sizes_is_refused_against_the_weights_in_bounded_time()
    {
        string model = Model(config: c =>
        {
            c["hidden_size"] = 65536;
            c["intermediate_size"] = 1 << 20;
            c["num_hidden_layers"] = 64;
        });
        var clock = Stopwatch.StartNew();

        var result = HostileInput.Run("generate", "--model", model, "--prompt-ids", "1,2");

        HostileInput.ShouldRefuse(result, $"{Path.Combine(model, "model.safetensors")}: tensor \"model.embed_tokens.weight\" has shape [400, 64], the config needs [400, 65536]");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void A_new_model_too_large_for_memory_is_one_line_not_a_native_allocation_dump()
    {
        string traces = _dir.Write("traces.jsonl", """{"prompt":"1+1","completion":"2"}""" + "\n");
        string config = _dir.Write("big.json", JsonSerializer.Serialize(new
        {
            Pipelines = new Dictionary<string, object>
            {
                ["big"] = new
                {
                    Stages = new[]
                    {
                        new
                        {
                            Name = "sft", Kind = "sft", Data = traces, MaxSteps = 1, BatchSize = 1,
                            NewModel = new { hidden_size = 65536, intermediate_size = 1 << 20, num_hidden_layers = 64, num_attention_heads = 64, num_key_value_heads = 8 },
                        },
                    },
                },
            },
        }));

        var result = HostileInput.Run("run", "--config", config, "--pipeline", "big", "--output", _dir.Combine("out"));

        HostileInput.ShouldRefuse(result, "model config: a qwen2 model of this config needs");
        result.Error.Should().Contain("more than this machine's");
    }

    [Theory]
    [InlineData("\"2\"")]
    [InlineData("2.5")]
    [InlineData("{\"id\": 2}")]
    [InlineData("[2, null]")]
    public void A_non_integer_eos_token_id_names_config_json_and_the_key(string value)
    {
        string model = Model(config: c => c["eos_token_id"] = JsonNode.Parse(value));

        var result = HostileInput.Run("generate", "--model", model, "--prompt-ids", "1,2");

        HostileInput.ShouldRefuse(result, $"{Path.Combine(model, "config.json")}: \"eos_token_id\" must be a token id or a list of token ids");
    }

    [Fact]
    public void A_prompt_longer_than_the_models_positions_names_both_numbers()
    {
        string model = Model();
        string ids = string.Join(",", Enumerable.Repeat("5", 300));

        HostileInput.ShouldRefuse(HostileInput.Run("generate", "--model", model, "--prompt-ids", ids),
            "--prompt-ids: the prompt is 300 tokens, but the model has 256 positions (max_position_embeddings in its config.json)");

        string dataset = _dir.Write("long.jsonl", JsonSerializer.Serialize(new { prompt = string.Concat(Enumerable.Repeat("x ", 400)), answer = "1" }) + "\n");
        var eval = HostileInput.Run("eval", "--model", model, "--tasks", "jsonl", "--split", "train", "--k", "1", "--prompts", "1",
            "--set", $"PromptSources:jsonl:Path={dataset}", "--set", "PromptSources:jsonl:TestPercent=0");
        HostileInput.ShouldRefuse(eval, "task jsonl: prompt 'long.jsonl:1': the prompt is ");
        eval.Error.Should().Contain("but the model has 256 positions");
    }

    [Fact]
    public async Task Serve_answers_a_prompt_longer_than_the_model_with_400_and_keeps_serving()
    {
        using var served = new ServedModel(Model(), "{prompt}");
        using var http = new HttpClient();

        var tooLong = await http.PostAsJsonAsync(served.BaseUrl + "/chat/completions",
            new { messages = new[] { new { role = "user", content = string.Concat(Enumerable.Repeat("x ", 400)) } }, max_tokens = 2 });
        var fine = await http.PostAsJsonAsync(served.BaseUrl + "/chat/completions", new { messages = new[] { new { role = "user", content = "hi" } }, max_tokens = 2 });

        tooLong.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await tooLong.Content.ReadAsStringAsync()).Should().Contain("this model's context length is 256 tokens").And.Contain("context_length_exceeded");
        fine.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("--temperature: NaN is out of range [0.001, 100]", "generate", "--temperature", "NaN")]
    [InlineData("--top-p: 5 is out of range [1E-06, 1]", "generate", "--top-p", "5")]
    [InlineData("--max-new-tokens: 0 is out of range [1, 1048576]", "generate", "--max-new-tokens", "0")]
    [InlineData("--repetition-penalty: -1 is out of range [0.001, 100]", "generate", "--repetition-penalty", "-1")]
    [InlineData("--temperature: -1 is out of range [0.001, 100]", "eval", "--tasks", "arithmetic", "--temperature", "-1")]
    [InlineData("--threshold: NaN is not a finite number", "eval", "--tasks", "arithmetic", "--threshold", "NaN")]
    [InlineData("--port 70000: not a port (0 to 65535; 0 picks a free one)", "serve", "--port", "70000")]
    [InlineData("--weights: 'nan' is not a number", "score", "--rewards", "format", "--input", "x.jsonl", "--weights", "nan")]
    public void A_number_out_of_range_on_the_command_line_names_the_option(string expected, string verb, params string[] rest)
    {
        string[] model = verb is "generate" or "eval" or "serve" ? ["--model", Model()] : [];
        string[] prompt = verb == "generate" ? ["--prompt-ids", "1"] : [];

        HostileInput.ShouldRefuse(HostileInput.Run([verb, .. model, .. prompt, .. rest]), expected);
    }

    [Fact]
    public void A_set_key_given_twice_takes_the_last_value_whatever_its_case()
    {
        HostileInput.Run("plugins", "--set", "Forge:Seed=abc", "--set", "forge:seed=7").ExitCode.Should().Be(0);
        HostileInput.ShouldRefuse(HostileInput.Run("plugins", "--set", "Forge:Seed=7", "--set", "Forge:Seed=abc"), "Forge:Seed: 'abc' is not an integer");
    }

    [Fact]
    public void A_jsonl_line_longer_than_the_limit_or_with_a_broken_string_is_named_by_file_and_line()
    {
        string huge = _dir.Combine("huge.jsonl");
        using (var stream = new FileStream(huge, FileMode.Create)) stream.SetLength((16L << 20) + 1024);
        string surrogate = _dir.Write("surrogate.jsonl", """{"prompt":"a","completion":"b"}""" + "\n" + """{"prompt":"\udc00","completion":"b"}""" + "\n");

        HostileInput.ShouldRefuse(HostileInput.Run("score", "--rewards", "format", "--input", huge), $"{huge}:1: line is longer than 16 MiB");
        HostileInput.ShouldRefuse(HostileInput.Run("score", "--rewards", "format", "--input", surrogate), $"{surrogate}:2: invalid JSON");
    }

    /// <summary>A GSM8K-shaped Parquet file (question, answer "#### 2"; one row) written by Parquet.Net 6.1.0.</summary>
    internal const string Gsm8kParquet = "UEFSMRUAFSwVLCwVAhUAFQYVBhwYDFdoYXQgaXMgMSsxPxgMV2hhdCBpcyAxKzE/FgAoDFdoYXQgaXMgMSsxPxgMV2hhdCBpcyAxKzE/AAAAAgAAAAIBDAAAAFdoYXQgaXMgMSsxPxUAFSAVICwVAhUAFQYVBhwYBiMjIyMgMhgGIyMjIyAyFgAoBiMjIyMgMhgGIyMjIyAyAAAAAgAAAAIBBgAAACMjIyMgMhUCGTxIBHJvb3QVBAAVDCUCGAhxdWVzdGlvbiUATBwAAAAVDCUCGAZhbnN3ZXIlAEwcAAAAFgIZHBksJggcFQwZJQAGGRgIcXVlc3Rpb24VABYCFsYBFsYBJgg8GAxXaGF0IGlzIDErMT8YDFdoYXQgaXMgMSsxPxYAKAxXaGF0IGlzIDErMT8YDFdoYXQgaXMgMSsxPwAAACbOARwVDBklAAYZGAZhbnN3ZXIVABYCFooBFooBJs4BPBgGIyMjIyAyGAYjIyMjIDIWACgGIyMjIyAyGAYjIyMjIDIAAAAW0AIWAjbQAgAoSlBhcnF1ZXQuTmV0IHZlcnNpb24gNi4xLjAgKGJ1aWxkIGMxNzlkOTdiZDI1NDliNWY0NGE5MjQxZTcyOWY4NjlkNDk0N2VlNTkpADUBAABQQVIx";

    [Fact]
    public void A_parquet_dataset_is_read_by_the_plugin_and_a_missing_column_or_bad_file_is_one_line()
    {
        string model = Model();
        string dataset = _dir.Combine("gsm8k.parquet");
        File.WriteAllBytes(dataset, Convert.FromBase64String(Gsm8kParquet));
        string garbage = _dir.Write("garbage.parquet", "not a parquet file at all");
        string[] eval = ["eval", "--model", model, "--tasks", "dataset", "--split", "train", "--k", "1", "--prompts", "1", "--max-new-tokens", "2",
            "--set", "PromptSources:dataset:TestPercent=0"];

        var read = ForgeChild.Run([.. eval, "--set", $"PromptSources:dataset:Path={dataset}"]);
        read.ExitCode.Should().Be(0, read.Error);
        read.Out.Should().Contain("dataset");
        HostileInput.ShouldRefuse(HostileInput.Run([.. eval, "--set", $"PromptSources:dataset:Path={dataset}", "--set", "PromptSources:dataset:Columns:Prompt=problem"]),
            $"{dataset}: no column \"problem\" (Columns:Prompt); its columns: question, answer");
        HostileInput.ShouldRefuse(HostileInput.Run([.. eval, "--set", $"PromptSources:dataset:Path={garbage}"]), $"{garbage}: not a readable Parquet file (");
    }

    [Fact]
    public void A_jsonl_dataset_without_answers_warns_once_with_the_count()
    {
        string dataset = _dir.Write("no-answers.jsonl", string.Join("\n", Enumerable.Range(1, 3).Select(i => $$"""{"prompt":"What is {{i}}+1?"}""")) + "\n");

        var result = ForgeChild.Run("eval", "--model", Model(), "--tasks", "jsonl", "--split", "train", "--k", "1", "--prompts", "3", "--max-new-tokens", "2",
            "--set", $"PromptSources:jsonl:Path={dataset}", "--set", "PromptSources:jsonl:TestPercent=0");

        result.ExitCode.Should().Be(0, result.Error);
        result.Error.Split('\n').Where(l => l.Contains(" warn: ", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().Contain($"{dataset}: 3 of 3 rows have no gold answer (answer or solution)");
    }
}
