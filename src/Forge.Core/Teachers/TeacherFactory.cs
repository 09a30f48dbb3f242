using System.ClientModel;
using Forge.Contracts.Sampling;
using Forge.Core.Artifacts;
using Forge.Core.Pipelines;
using Forge.Core.Plugins;
using Forge.Core.Prompts;
using Forge.Core.Stages;
using Microsoft.Extensions.AI;
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
    public static ITeacher Create(StageContext context, IModelStore store, IPluginResolver plugins)
    {
        var options = context.Options<RejectionSamplingStageOptions>();
        if (options.Teacher is { Endpoint: { } endpoint } remote) return Remote(remote, endpoint);
        string folder = options.Teacher?.Folder ?? options.Model
            ?? throw new ForgeDataException($"{context.Path}: give Teacher (a model folder, or Teacher:Endpoint for a server) or Model");
        var model = ModelSettings.Load(context, store, folder, options.Tokenizer);
        IPromptTemplate template;
        try
        {
            template = StageTemplate.For(options, model, $"{context.Path}:Template");
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return new LocalTeacher(model, plugins.Resolve<ISampler>(options.Sampler.InstanceName), template, context.ResolvePath(folder)!);
    }

    private static ChatClientTeacher Remote(TeacherOptions teacher, string endpoint)
    {
        // Local servers accept any key; the OpenAI client insists on one.
        string apiKey = Environment.GetEnvironmentVariable(teacher.ApiKeyVariable) is { Length: > 0 } k ? k : "none";
        var options = new OpenAIClientOptions
        {
            Endpoint = new Uri(endpoint),
            NetworkTimeout = TimeSpan.FromSeconds(teacher.TimeoutSeconds),
        };
        var client = new OpenAI.Chat.ChatClient(teacher.Model, new ApiKeyCredential(apiKey), options).AsIChatClient();
        return new ChatClientTeacher(client, endpoint, teacher.System, teacher.MaxConcurrency);
    }
}
