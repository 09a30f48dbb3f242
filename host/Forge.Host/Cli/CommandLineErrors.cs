using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Forge.Core.Configuration;

namespace Forge.Host.Cli;

/// <summary>
/// A command line System.CommandLine could not parse, as Forge's one line: the option or word at fault and what was
/// expected in words (<c>--seed: 'abc' is not an integer</c>), never a .NET type name. Built from the parse result's
/// symbols, not from System.CommandLine's (localized) messages.
/// </summary>
internal static class CommandLineErrors
{
    /// <summary>The first problem with <paramref name="parse"/>, which has errors.</summary>
    public static string Describe(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        // An unknown word explains the other errors it causes (a verb that was never recognized is "not provided").
        if (parse.UnmatchedTokens.Count > 0) return Unmatched(parse, parse.UnmatchedTokens[0]);
        var error = parse.Errors[0];
        return error.SymbolResult switch
        {
            OptionResult option => Option(option, error.Message),
            CommandResult { Parent: null } => $"no command given; {Commands(parse.RootCommandResult.Command)}",
            _ => error.Message,
        };
    }

    private static string Unmatched(ParseResult parse, string token)
    {
        var command = parse.CommandResult;
        string where = CommandPath(command);
        if (token.StartsWith('-'))
        {
            string? near = KeySuggestion.Closest(token, OptionNames(command));
            return near is null
                ? $"{where}: unknown option '{token}' ({where} --help lists its options)"
                : $"{where}: unknown option '{token}'; did you mean {near}?";
        }
        return command.Parent is null
            ? $"unknown command '{token}'; {Commands(command.Command, token)}"
            : $"{where}: unexpected argument '{token}' ({where} --help lists its options)";
    }

    private static string Option(OptionResult result, string fallback)
    {
        var option = result.Option;
        string name = option.Name;
        if (result.IdentifierTokenCount == 0) return $"{name}: missing (required)";
        if (result.Tokens.Count == 0)
            return option.ValueType == typeof(string) || option.ValueType == typeof(string[]) ? $"{name}: missing value" : $"{name}: missing value ({StrictBinder.Describe(option.ValueType)})";
        if (result.Tokens.Count > option.Arity.MaximumNumberOfValues) return $"{name}: given {result.Tokens.Count} times; give it once";
        foreach (var token in result.Tokens)
            if (Invalid(option.ValueType, token.Value) is { } problem) return $"{name}: {problem}";
        return $"{name}: {fallback}";
    }

    /// <summary>Why <paramref name="text"/> is not a value of <paramref name="type"/>, or null when it is one.</summary>
    private static string? Invalid(Type type, string text)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? (type.IsArray ? type.GetElementType()! : type);
        const NumberStyles integer = NumberStyles.Integer;
        bool valid = underlying switch
        {
            _ when underlying == typeof(int) => int.TryParse(text, integer, CultureInfo.InvariantCulture, out _),
            _ when underlying == typeof(long) => long.TryParse(text, integer, CultureInfo.InvariantCulture, out _),
            _ when underlying == typeof(double) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
            _ when underlying == typeof(bool) => bool.TryParse(text, out _),
            _ => true,
        };
        if (valid) return null;
        if (underlying == typeof(int) && long.TryParse(text, integer, CultureInfo.InvariantCulture, out _))
            return $"'{text}' is out of range (an integer from {int.MinValue} to {int.MaxValue})";
        return $"'{text}' is not {StrictBinder.Describe(underlying)}";
    }

    /// <summary><c>forge run</c>: the verb path as a user types it (the root command's own name is the host process's).</summary>
    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (var current = command; current.Parent is CommandResult parent; current = parent) names.Insert(0, current.Command.Name);
        return string.Join(' ', ["forge", .. names]);
    }

    /// <summary>The options a command accepts: its own and those its ancestors pass down.</summary>
    private static IEnumerable<string> OptionNames(CommandResult command)
    {
        for (SymbolResult? current = command; current is CommandResult result; current = result.Parent)
            foreach (var option in result.Command.Options)
                if (ReferenceEquals(result, command) || option.Recursive)
                    foreach (string alias in option.Aliases.Prepend(option.Name)) yield return alias;
    }

    private static string Commands(Command root, string? given = null)
    {
        var names = root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
        string? near = given is null ? null : KeySuggestion.Closest(given, names);
        string list = $"commands: {string.Join(", ", names)}";
        return near is null ? list : $"did you mean {near}? ({list})";
    }
}
