using System.CommandLine;
using System.Globalization;
using Forge.Contracts.Sampling;
using Forge.Core;
using Forge.Core.Artifacts;
using Forge.Core.Models;
using Forge.Core.Plugins;
using Forge.Host.Serving;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Host.Cli;

/// <summary>
/// <c>forge serve --model DIR</c>: serves a model at an OpenAI-compatible <c>/v1/chat/completions</c> until Ctrl+C,
/// printing the base URL once it listens (port 0 picks a free one). Listens on loopback unless <c>--host</c> says
/// otherwise; every limit (<see cref="ServeLimits"/>) has a flag.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliContext cli)
    {
        var models = new ModelOptions();
        var host = new Option<string>("--host")
        {
            Description = "Address to listen on: localhost, an IP address, or a host name that resolves (0.0.0.0: every interface)",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var port = new Option<int>("--port") { Description = "Port (0: any free port)", DefaultValueFactory = _ => 8000 };
        var name = new Option<string?>("--name") { Description = "Model name reported to clients (default: the folder's name)" };
        var sampler = new Option<string>("--sampler") { Description = "Sampler plugin", DefaultValueFactory = _ => "kv-cache" };
        var apiKey = new Option<string?>("--api-key") { Description = "Require the header 'Authorization: Bearer KEY' on every request" };
        var apiKeyFile = new Option<string?>("--api-key-file") { Description = "As --api-key, with the key read from the file's first line (kept out of the process list)" };
        var maxModelLen = new Option<int?>("--max-model-len")
        {
            Description = "Most prompt + completion tokens of a request (default and upper bound: the model's max_position_embeddings)",
        };
        var maxQueue = new Option<int>("--max-queue") { Description = "Requests that may wait for the model; one more is answered 429", DefaultValueFactory = _ => 16 };
        var maxBody = new Option<long>("--max-body-bytes") { Description = "Largest request body; a larger one is answered 413", DefaultValueFactory = _ => 1 << 20 };
        var command = new Command("serve", "Serve a model at an OpenAI-compatible /v1/chat/completions endpoint")
        {
            host, port, name, sampler, apiKey, apiKeyFile, maxModelLen, maxQueue, maxBody,
        };
        models.AddTo(command);
        command.SetAction(parse => cli.WithApplication(parse, app =>
        {
            // Everything that can be wrong with the command line is found before the model loads.
            var address = ListenAddress.Parse(parse.GetValue(host)!);
            int listenPort = parse.GetValue(port);
            if (listenPort is < 0 or > 65535) throw new ForgeDataException($"--port {listenPort}: not a port (0 to 65535; 0 picks a free one)");
            var key = ApiKey.From(parse.GetValue(apiKey), parse.GetValue(apiKeyFile));
            int queue = Within(parse.GetValue(maxQueue), "--max-queue", 0, 100_000);
            long body = Within(parse.GetValue(maxBody), "--max-body-bytes", 1024, 1L << 30);

            using var model = models.Load(parse, app.Services.GetRequiredService<IModelStore>());
            string folder = parse.GetValue(models.Model)!;
            int positions = ModelConfig.Load(Path.Combine(Core.Adapters.PeftAdapterFolder.ModelFolder(folder), "config.json")).MaxPositionEmbeddings;
            int context = parse.GetValue(maxModelLen) is { } asked
                ? Within(asked, "--max-model-len", 2, positions, $"the model's max_position_embeddings is {positions}")
                : positions;
            var limits = new ServeLimits { ContextLength = context, MaxQueue = queue, MaxBodyBytes = body };
            string label = parse.GetValue(name) ?? Path.GetFileName(Path.GetFullPath(parse.GetValue(models.Adapter) ?? folder).TrimEnd('/'));
            var (template, spec, templateSource) = models.ChooseTemplate(parse);
            var chat = new ChatModel(model, app.Services.GetRequiredService<IPluginResolver>().Resolve<ISampler>(parse.GetValue(sampler)!),
                template, label, limits);
            string description = $"prompt template {System.Text.Json.JsonSerializer.Serialize(spec, Core.Data.ForgeJson.Compact)} from {templateSource}";
            return ServeHost.Run(chat, address, listenPort, key, description, cli.Out, cli.Error, cli.Signals);
        }));
        return command;
    }

    private static T Within<T>(T value, string option, T low, T high, string? why = null) where T : struct, IComparable<T>, IFormattable =>
        value.CompareTo(low) >= 0 && value.CompareTo(high) <= 0
            ? value
            : throw new ForgeDataException(string.Create(CultureInfo.InvariantCulture,
                $"{option} {value}: must be from {low} to {high}{(why is null ? "" : $" ({why})")}"));
}
