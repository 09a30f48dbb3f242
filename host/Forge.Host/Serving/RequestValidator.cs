using System.Text.Json;

namespace Forge.Host.Serving;

/// <summary>
/// Reads a chat completion request field by field, refusing — as an OpenAI-style 400 that names the field
/// (<c>param</c>) — anything of the wrong JSON type or outside its range, before the request reaches the model:
/// <c>max_tokens</c> 10⁹ or −5, <c>top_p</c> 0, <c>temperature</c> 1e-300 and <c>stop: [1, 2]</c> used to end in an
/// empty 500 or in gigabytes of key/value cache. JSON null means "not given". Fields Forge does not know are refused
/// rather than silently ignored, as OpenAI does.
/// </summary>
internal static class RequestValidator
{
    /// <summary>Smallest temperature above 0: below it, logits divided by the temperature overflow float32.</summary>
    public const double MinTemperature = 0.01;

    private static readonly string[] Accepted =
    [
        "model", "messages", "max_tokens", "max_completion_tokens", "n", "temperature", "top_p", "top_k", "min_p",
        "repetition_penalty", "stop", "seed", "stream", "user", "presence_penalty", "frequency_penalty", "logprobs", "response_format",
    ];

    private static readonly string[] Roles = ["system", "developer", "user", "assistant"];

    public static ChatCompletionRequest Validate(JsonElement body, ServeLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (body.ValueKind != JsonValueKind.Object) throw ApiError.Invalid(null, $"the request body must be a JSON object, not {Describe(body)}");
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in body.EnumerateObject())
        {
            if (!fields.TryAdd(property.Name, property.Value)) throw ApiError.Invalid(property.Name, $"{property.Name} is given twice");
            if (property.Value.ValueKind != JsonValueKind.Null && !Accepted.Contains(property.Name, StringComparer.Ordinal))
                throw ApiError.Invalid(property.Name, $"unrecognized request argument: {property.Name} (forge serve accepts {string.Join(", ", Accepted)})");
        }
        JsonElement? Field(string name) => fields.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

        if (Field("model") is { } model) Text(model, "model");
        if (Field("user") is { } user) Text(user, "user");
        if (Field("stream") is { } stream && Boolean(stream, "stream"))
            throw ApiError.Invalid("stream", "stream=true is not supported; request the whole completion");
        if (Field("logprobs") is { } logprobs && Boolean(logprobs, "logprobs")) throw ApiError.Invalid("logprobs", "logprobs is not supported; send false or leave it out");
        foreach (string penalty in new[] { "presence_penalty", "frequency_penalty" })
            if (Field(penalty) is { } value && Number(value, penalty) != 0)
                throw ApiError.Invalid(penalty, $"{penalty} is not supported (forge serve samples without it); send 0 or leave it out");
        if (Field("response_format") is { } format) ResponseFormat(format);

        return new ChatCompletionRequest
        {
            Messages = Messages(Field("messages"), limits),
            MaxTokens = MaxTokens(Field("max_tokens"), Field("max_completion_tokens"), limits),
            N = Field("n") is { } n ? (int)Integer(n, "n", 1, limits.MaxCompletions) : 1,
            Temperature = Field("temperature") is { } t ? Temperature(t) : 1.0,
            TopP = Field("top_p") is { } topP ? InRange(topP, "top_p", 0, 1, lowOpen: true, "greater than 0 and at most 1") : 1.0,
            TopK = Field("top_k") is { } topK ? Math.Max(0, (int)Integer(topK, "top_k", -1, int.MaxValue)) : 0,
            MinP = Field("min_p") is { } minP ? InRange(minP, "min_p", 0, 1, lowOpen: false, "from 0 to 1") : 0,
            RepetitionPenalty = Field("repetition_penalty") is { } penaltyValue
                ? InRange(penaltyValue, "repetition_penalty", 0.1, 10, lowOpen: false, "from 0.1 to 10 (1: off)") : 1.0,
            Stop = Field("stop") is { } stop ? Stop(stop, limits) : [],
            Seed = Field("seed") is { } seed ? Integer(seed, "seed", long.MinValue, long.MaxValue) : null,
        };
    }

    private static List<ChatTurn> Messages(JsonElement? value, ServeLimits limits)
    {
        if (value is not { } messages) throw ApiError.Invalid("messages", "messages is required: a list of {\"role\", \"content\"} objects");
        if (messages.ValueKind != JsonValueKind.Array) throw ApiError.Invalid("messages", $"messages must be an array of messages, not {Describe(messages)}");
        int count = messages.GetArrayLength();
        if (count == 0) throw ApiError.Invalid("messages", "messages is empty; give at least one user message");
        if (count > limits.MaxMessages) throw ApiError.Invalid("messages", $"messages holds {count} messages; at most {limits.MaxMessages} are accepted");
        var turns = new List<ChatTurn>(count);
        int index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            string at = $"messages[{index++}]";
            if (message.ValueKind != JsonValueKind.Object) throw ApiError.Invalid(at, $"{at} must be an object with role and content, not {Describe(message)}");
            foreach (var property in message.EnumerateObject())
                if (property.Name is not ("role" or "content" or "name") && property.Value.ValueKind != JsonValueKind.Null)
                    throw ApiError.Invalid($"{at}.{property.Name}", $"{at}.{property.Name} is not supported (a message has role, content and name)");
            string role = message.TryGetProperty("role", out var r) && r.ValueKind != JsonValueKind.Null
                ? Text(r, $"{at}.role")
                : throw ApiError.Invalid($"{at}.role", $"{at}.role is required");
            if (!Roles.Contains(role, StringComparer.Ordinal))
                throw ApiError.Invalid($"{at}.role", $"{at}.role is '{Clip(role)}'; it must be one of {string.Join(", ", Roles)}");
            if (message.TryGetProperty("name", out var name) && name.ValueKind != JsonValueKind.Null) Text(name, $"{at}.name");
            bool hasContent = message.TryGetProperty("content", out var content) && content.ValueKind != JsonValueKind.Null;
            if (!hasContent && role != "assistant") throw ApiError.Invalid($"{at}.content", $"{at}.content is required");
            turns.Add(new ChatTurn(role, hasContent ? Content(content, $"{at}.content") : ""));
        }
        if (!turns.Any(t => t.Role == "user")) throw ApiError.Invalid("messages", "messages has no user message");
        return turns;
    }

    /// <summary>A string, or an array of text parts (<c>{"type": "text", "text": "…"}</c>) joined by newlines.</summary>
    private static string Content(JsonElement content, string at)
    {
        if (content.ValueKind == JsonValueKind.String) return content.GetString()!;
        if (content.ValueKind != JsonValueKind.Array)
            throw ApiError.Invalid(at, $"{at} must be a string or an array of text parts, not {Describe(content)}");
        var parts = new List<string>();
        int index = 0;
        foreach (var part in content.EnumerateArray())
        {
            string partAt = $"{at}[{index++}]";
            if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                throw ApiError.Invalid(partAt, $"{partAt} must be a content part {{\"type\": \"text\", \"text\": \"…\"}}");
            if (type.GetString() != "text") throw ApiError.Invalid(partAt, $"{partAt} is a '{Clip(type.GetString()!)}' part; only text parts are supported");
            parts.Add(part.TryGetProperty("text", out var text) ? Text(text, $"{partAt}.text") : throw ApiError.Invalid($"{partAt}.text", $"{partAt}.text is required"));
        }
        return string.Join('\n', parts);
    }

    private static int? MaxTokens(JsonElement? maxTokens, JsonElement? maxCompletionTokens, ServeLimits limits)
    {
        long? Read(JsonElement? value, string name)
        {
            if (value is not { } v) return null;
            long tokens = Integer(v, name, long.MinValue, long.MaxValue);
            if (tokens < 1) throw ApiError.Invalid(name, $"{name} is {Clip(v.GetRawText())}; it must be at least 1");
            return tokens <= limits.ContextLength ? tokens : throw ApiError.Invalid(name,
                $"{name} is {Clip(v.GetRawText())}; this model's context length is {limits.ContextLength} tokens (prompt and completion together)",
                "context_length_exceeded");
        }
        long? legacy = Read(maxTokens, "max_tokens"), current = Read(maxCompletionTokens, "max_completion_tokens");
        if (legacy is not null && current is not null && legacy != current)
            throw ApiError.Invalid("max_tokens", $"max_tokens ({legacy}) and max_completion_tokens ({current}) differ; give one of them");
        return (int?)(current ?? legacy);
    }

    private static double Temperature(JsonElement value)
    {
        double t = InRange(value, "temperature", 0, 2, lowOpen: false, "from 0 to 2");
        return t is > 0 and < MinTemperature
            ? throw ApiError.Invalid("temperature",
                $"temperature is {value.GetRawText()}; use 0 for greedy decoding or a value from {MinTemperature} to 2 (smaller ones overflow the logits)")
            : t;
    }

    private static List<string> Stop(JsonElement stop, ServeLimits limits)
    {
        var strings = stop.ValueKind switch
        {
            JsonValueKind.String => [stop],
            JsonValueKind.Array => stop.EnumerateArray().ToList(),
            _ => throw ApiError.Invalid("stop", $"stop must be a string or an array of strings, not {Describe(stop)}"),
        };
        if (strings.Count > limits.MaxStopStrings) throw ApiError.Invalid("stop", $"stop holds {strings.Count} strings; at most {limits.MaxStopStrings} are accepted");
        return strings.Select((s, i) =>
        {
            string at = stop.ValueKind == JsonValueKind.Array ? $"stop[{i}]" : "stop";
            string text = s.ValueKind == JsonValueKind.String ? s.GetString()! : throw ApiError.Invalid(at, $"{at} must be a string, not {Describe(s)}");
            if (text.Length == 0) throw ApiError.Invalid(at, $"{at} is empty");
            return text.Length <= limits.MaxStopLength ? text : throw ApiError.Invalid(at, $"{at} is {text.Length} characters long; at most {limits.MaxStopLength} are accepted");
        }).ToList();
    }

    private static void ResponseFormat(JsonElement format)
    {
        if (format.ValueKind != JsonValueKind.Object || !format.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            throw ApiError.Invalid("response_format", "response_format must be an object with a type");
        if (type.GetString() != "text") throw ApiError.Invalid("response_format", $"response_format '{Clip(type.GetString()!)}' is not supported; only 'text' is");
    }

    private static long Integer(JsonElement value, string name, long min, long max)
    {
        if (value.ValueKind != JsonValueKind.Number) throw ApiError.Invalid(name, $"{name} must be an integer, not {Describe(value)}");
        if (!value.TryGetInt64(out long integer))
        {
            // 1e9 and 5.0 are integers written otherwise; 10^30 is one no request needs.
            if (!value.TryGetDouble(out double d) || d != Math.Floor(d)) throw ApiError.Invalid(name, $"{name} must be an integer, not {Clip(value.GetRawText())}");
            if (Math.Abs(d) >= 9e18) throw ApiError.Invalid(name, $"{name} is {Clip(value.GetRawText())}; it must be from {min} to {max}");
            integer = (long)d;
        }
        return integer >= min && integer <= max
            ? integer
            : throw ApiError.Invalid(name, $"{name} is {Clip(value.GetRawText())}; it must be from {min} to {max}");
    }

    private static double Number(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double number) && double.IsFinite(number)
            ? number
            : throw ApiError.Invalid(name, $"{name} must be a number, not {Describe(value)}");

    private static double InRange(JsonElement value, string name, double low, double high, bool lowOpen, string range)
    {
        double number = Number(value, name);
        bool inside = (lowOpen ? number > low : number >= low) && number <= high;
        return inside ? number : throw ApiError.Invalid(name, $"{name} is {Clip(value.GetRawText())}; it must be {range}");
    }

    private static bool Boolean(JsonElement value, string name) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw ApiError.Invalid(name, $"{name} must be true or false, not {Describe(value)}"),
    };

    private static string Text(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw ApiError.Invalid(name, $"{name} must be a string, not {Describe(value)}");

    /// <summary>A JSON value in a few words: <c>the number 5</c>, <c>an array</c>, <c>the string "x"</c>.</summary>
    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{Clip(value.GetString()!)}\"",
        JsonValueKind.Number => $"the number {Clip(value.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        _ => "null",
    };

    /// <summary>At most 40 characters of something a client sent, on one line.</summary>
    private static string Clip(string text)
    {
        string line = text.ReplaceLineEndings(" ");
        return line.Length <= 40 ? line : line[..40] + "…";
    }
}
