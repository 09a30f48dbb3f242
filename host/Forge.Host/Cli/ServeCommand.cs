using System.CommandLine;
using Forge.Contracts.Sampling;
using Forge.Core.Artifacts;
using Forge.Core.Plugins;
using Forge.Host.Serving;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Host.Cli;

/// <summary>
/// <c>forge serve --model DIR</c>: serves a model at an OpenAI-compatible <c>/v1/chat/completions</c> until Ctrl+C,
/// printing the base URL once it listens (port 0 picks a free one).
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliContext cli)
    {
        var models = new ModelOptions();
        var host = new Option<string>("--host") { Description = "Address to listen on", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "Port (0: any free port)", DefaultValueFactory = _ => 8000 };
        var name = new Option<string?>("--name") { Description = "Model name reported to clients (default: the folder's name)" };
        var sampler = new Option<string>("--sampler") { Description = "Sampler plugin", DefaultValueFactory = _ => "kv-cache" };
        var command = new Command("serve", "Serve a model at an OpenAI-compatible /v1/chat/completions endpoint") { host, port, name, sampler };
        models.AddTo(command);
        command.SetAction((parse, cancellationToken) => Task.FromResult(cli.WithApplication(parse, app =>
        {
            if (parse.GetValue(port) is < 0 or > 65535) throw new Core.ForgeDataException($"--port: {parse.GetValue(port)} is not a port (0 to 65535; 0 picks a free one)");
            using var model = models.Load(parse, app.Services.GetRequiredService<IModelStore>());
            string label = parse.GetValue(name) ?? Path.GetFileName(Path.GetFullPath(parse.GetValue(models.Model)!).TrimEnd('/'));
            var (template, spec, templateSource) = models.ChooseTemplate(parse);
            var chat = new ChatModel(model, app.Services.GetRequiredService<IPluginResolver>().Resolve<ISampler>(parse.GetValue(sampler)!),
                template, label);
            var server = new ChatServer(chat, parse.GetValue(host)!, parse.GetValue(port));
            try
            {
                server.StartAsync(cancellationToken).GetAwaiter().GetResult();
            }
            catch (IOException e)
            {
                throw ListenFailure.Describe(e, parse.GetValue(host)!, parse.GetValue(port));
            }
            cli.Out.WriteLine($"serving {label} at {server.BaseUrl} (POST /chat/completions; prompt template {System.Text.Json.JsonSerializer.Serialize(spec, Core.Data.ForgeJson.Compact)} from {templateSource}); Ctrl+C stops");
            cli.Out.Flush();
            server.WaitForShutdownAsync(cancellationToken).GetAwaiter().GetResult();
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            return 0;
        })));
        return command;
    }
}
