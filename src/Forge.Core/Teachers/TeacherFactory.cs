using System.ClientModel;
using Forge.Contracts.Sampling;
using Forge.Core.Artifacts;
using Forge.Core.Pipelines;
using Forge.Core.Plugins;
using Forge.Core.Prompts;
using Forge.Core.Stages;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using OpenAI;

namespace Forge.Core.Teachers;

/// <summary>
/// The stage's teacher: <c>Teacher:Endpoint</c> (an OpenAI-compatible base URL such as <c>http://127.0.0.1:8000/v1</c>,
/// with <c>Teacher:Model</c>, <c>Teacher:ApiKeyVariable</c>, <c>Teacher:System</c>, <c>Teacher:MaxConcurrency</c>,
/// <c>Teacher:TimeoutSeconds</c>), else a local model folder in <c>Teacher</c> or <c>Model</c>.
/// </summary>
public static class TeacherFactory
{
    /// <summary>Creates the teacher the stage configures.</summary>
    public static ITeacher Create(StageContext context, IModelStore store, IPluginResolver plugins, PromptTemplate template)
    {
        var settings = context.Settings;
        var remote = settings.GetSection("Teacher");
        string? endpoint = remote["Endpoint"];
        if (endpoint is not null) return Remote(remote, endpoint);

        string key = settings["Teacher"] is not null ? "Teacher" : "Model";
        string folder = context.ResolvePath(key)
            ?? throw new ForgeDataException($"{settings.Path}: give Teacher (a model folder, or Teacher:Endpoint for a server) or Model");
        var model = ModelSettings.Load(context, store, key);
        return new LocalTeacher(model, plugins.Resolve<ISampler>(settings["Sampler"] ?? "kv-cache"), template, folder);
    }

    private static ChatClientTeacher Remote(IConfigurationSection section, string endpoint)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ForgeDataException($"{section.Path}:Endpoint: '{endpoint}' is not an http(s) URL");
        string variable = section["ApiKeyVariable"] ?? "OPENAI_API_KEY";
        // Local servers accept any key; the OpenAI client insists on one.
        string apiKey = Environment.GetEnvironmentVariable(variable) is { Length: > 0 } k ? k : "none";
        var options = new OpenAIClientOptions
        {
            Endpoint = uri,
            NetworkTimeout = TimeSpan.FromSeconds(section.GetValue("TimeoutSeconds", 300)),
        };
        var client = new OpenAI.Chat.ChatClient(section["Model"] ?? "default", new ApiKeyCredential(apiKey), options).AsIChatClient();
        return new ChatClientTeacher(client, endpoint, section["System"], section.GetValue("MaxConcurrency", 4));
    }
}
