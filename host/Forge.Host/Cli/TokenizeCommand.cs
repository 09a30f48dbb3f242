using System.CommandLine;
using System.Text.Json;
using Forge.Core.Data;
using Forge.Core.Tokenizers;

namespace Forge.Host.Cli;

/// <summary><c>forge tokenize --tokenizer PATH --text TEXT [--json]</c>.</summary>
internal static class TokenizeCommand
{
    public static Command Create(CliContext cli)
    {
        var tokenizer = new Option<string>("--tokenizer") { Description = "tokenizer.json or the folder holding it", Required = true };
        var text = new Option<string>("--text") { Description = "Text to encode (special-token strings become their ids)", Required = true };
        var json = new Option<bool>("--json") { Description = "Print {\"ids\":[…]}" };
        var command = new Command("tokenize", "Encode text with a Hugging Face tokenizer.json") { tokenizer, text, json };
        command.SetAction(parse => cli.Guard(parse, () =>
        {
            var ids = TokenizerLoader.Load(parse.GetValue(tokenizer)!).Encode(parse.GetValue(text)!);
            cli.Out.WriteLine(parse.GetValue(json) ? JsonSerializer.Serialize(new { ids }, ForgeJson.Compact) : string.Join(" ", ids));
            return 0;
        }));
        return command;
    }
}
