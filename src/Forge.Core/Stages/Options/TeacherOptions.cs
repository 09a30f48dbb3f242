using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Forge.Core.Configuration;

namespace Forge.Core.Stages;

/// <summary>
/// A rejection-sampling teacher: a model folder (<c>"Teacher": "checkpoints/rl"</c>) or an OpenAI-compatible server
/// (<c>"Teacher": { "Endpoint": "http://127.0.0.1:8000/v1", "Model": "…" }</c>).
/// </summary>
[ScalarBinding(nameof(Folder))]
public sealed class TeacherOptions : IValidatableObject
{
    /// <summary>A local model folder.</summary>
    [Description("Teacher model folder (or give Endpoint)")]
    [PathSetting]
    public string? Folder { get; set; }

    /// <summary>An OpenAI-compatible base URL.</summary>
    [Description("OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1")]
    public string? Endpoint { get; set; }

    /// <summary>The served model's name.</summary>
    [Description("Model name at the endpoint")]
    public string Model { get; set; } = "default";

    /// <summary>The environment variable holding the API key.</summary>
    [Description("Environment variable holding the endpoint's API key")]
    public string ApiKeyVariable { get; set; } = "OPENAI_API_KEY";

    /// <summary>A system message.</summary>
    [Description("System message sent with every prompt")]
    public string? System { get; set; }

    /// <summary>Requests in flight.</summary>
    [Description("Requests in flight at once")]
    [Range(1, 1024)]
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Seconds per request.</summary>
    [Description("Seconds a request may take")]
    [Range(1, 86_400)]
    public int TimeoutSeconds { get; set; } = 300;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Endpoint is not null && (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            yield return new ValidationResult($"'{Endpoint}' is not an http(s) URL", [nameof(Endpoint)]);
        if (Endpoint is not null && Folder is not null)
            yield return new ValidationResult("give a model folder or an Endpoint, not both", [nameof(Endpoint)]);
    }
}
