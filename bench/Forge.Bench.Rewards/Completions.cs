using System.Globalization;
using System.Text;
using System.Text.Json;
using Forge.Contracts.Data;
using Forge.Contracts.Rewards;

namespace Forge.Bench.Rewards;

/// <summary>Deterministic, realistic-looking completions: R1-style reasoning, answers right and wrong, some malformed.</summary>
internal sealed class Completions(int seed)
{
    private readonly Random _random = new(seed);

    private static readonly Dictionary<string, string[]> Sentences = new()
    {
        ["en"] =
        [
            "First, let me understand what the problem is asking for.",
            "We know that the total is {0} and each group has {1} items.",
            "So if we multiply {0} by {1}, we get {2}, which seems too large.",
            "Wait, let me re-check the previous step because something is off.",
            "Subtracting {1} from {0} leaves {2}, and that matches the condition.",
            "Therefore the remaining part must be divided evenly between the two sides.",
            "Let me verify this answer by plugging it back into the original equation.",
        ],
        ["de"] =
        [
            "Zuerst überlege ich, wonach die Aufgabe eigentlich fragt.",
            "Wir wissen, dass die Summe {0} ist und jede Gruppe {1} Elemente hat.",
            "Wenn wir {0} mit {1} multiplizieren, erhalten wir {2}, das scheint zu groß.",
            "Moment, ich prüfe den vorherigen Schritt noch einmal.",
            "Also muss der Rest gleichmäßig auf beide Seiten verteilt werden.",
        ],
        ["fr"] =
        [
            "D'abord, je dois comprendre ce que le problème demande vraiment.",
            "Nous savons que le total est {0} et que chaque groupe contient {1} éléments.",
            "Si on multiplie {0} par {1}, on obtient {2}, ce qui semble trop grand.",
            "Attendez, je vais vérifier l'étape précédente encore une fois.",
            "Donc le reste doit être partagé également entre les deux côtés.",
        ],
        ["es"] =
        [
            "Primero, tengo que entender qué es lo que pide el problema.",
            "Sabemos que el total es {0} y que cada grupo tiene {1} elementos.",
            "Si multiplicamos {0} por {1}, obtenemos {2}, lo cual parece demasiado grande.",
            "Espera, voy a revisar otra vez el paso anterior.",
        ],
        ["zh"] =
        [
            "首先，我需要弄清楚题目到底在问什么。",
            "我们知道总数是 {0}，每组有 {1} 个。",
            "如果把 {0} 乘以 {1}，得到 {2}，这似乎太大了。",
            "等一下，让我再检查一下上一步。",
            "所以剩下的部分必须平均分到两边。",
        ],
        ["ja"] =
        [
            "まず、問題が何を求めているのかを確認します。",
            "合計は {0} で、各グループには {1} 個あることが分かっています。",
            "{0} に {1} を掛けると {2} になりますが、大きすぎるようです。",
            "ちょっと待って、前のステップをもう一度確認します。",
        ],
        ["ru"] =
        [
            "Сначала нужно понять, что именно спрашивается в задаче.",
            "Мы знаем, что сумма равна {0}, а в каждой группе {1} элементов.",
            "Если умножить {0} на {1}, получится {2}, что кажется слишком большим.",
            "Подождите, давайте ещё раз проверим предыдущий шаг.",
        ],
    };

    public static IReadOnlyList<string> Languages { get; } = [.. Sentences.Keys];

    /// <summary>Reasoning of about <paramref name="sentences"/> sentences in a language, with a little LaTeX.</summary>
    public string Reasoning(string language, int sentences)
    {
        var bank = Sentences[language];
        var text = new StringBuilder();
        for (int i = 0; i < sentences; i++)
        {
            int a = _random.Next(2, 500), b = _random.Next(2, 50);
            text.Append(string.Format(CultureInfo.InvariantCulture, bank[_random.Next(bank.Length)], a, b, a * b)).Append(' ');
            if (_random.Next(6) == 0) text.Append(CultureInfo.InvariantCulture, $"$\\frac{{{a}}}{{{b}}} = {a / (double)b:0.###}$ ");
            if (_random.Next(8) == 0) text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>A math row and a completion whose final answer is right, wrong or missing.</summary>
    public RewardInput Math()
    {
        var (gold, right, wrong) = Answer();
        int roll = _random.Next(10);
        string final = roll < 5 ? right : roll < 8 ? wrong : "";
        string answer = _random.Next(2) == 0 ? $"<answer>{final}</answer>" : $"<answer>The final answer is $\\boxed{{{final}}}$.</answer>";
        if (roll == 9) answer = "<answer>I am not sure.";
        string completion = $"<think>\n{Reasoning("en", _random.Next(6, 40))}\n</think>\n{answer}";
        return Input(Row(("answer", gold)), completion);
    }

    private (string Gold, string Right, string Wrong) Answer()
    {
        int n = _random.Next(1, 2000), p = _random.Next(1, 12), q = _random.Next(p + 1, 20);
        return _random.Next(9) switch
        {
            0 => (Num(n), Num(n), Num(n + 1)),
            1 => ($"\\frac{{{p}}}{{{q}}}", $"\\dfrac{{{p * 2}}}{{{q * 2}}}", $"\\frac{{{q}}}{{{p}}}"),
            2 => ($"{p}\\sqrt{{{q}}}", $"\\sqrt{{{p * p * q}}}", $"{q}\\sqrt{{{p}}}"),
            3 => (Num(n * 1000 + 500), (n * 1000 + 500).ToString("N0", CultureInfo.InvariantCulture), Num(n * 1000)),
            4 => ($"{n}.5", $"{n}.50", $"{n}.55"),
            5 => (Num(n), $"{n} \\text{{ cm}}", $"{n + 2} \\text{{ cm}}"),
            6 => (Num(p * 5), $"{p * 5}\\%", $"{p * 5 + 1}\\%"),
            7 => ($"-{Num(n)}", $"−{n}", Num(n)),
            _ => ("B", "\\text{(B)}", "C"),
        };
    }

    /// <summary>A countdown row and a completion whose expression is right, wrong or malformed.</summary>
    public RewardInput Countdown()
    {
        int count = _random.Next(3, 5);
        var numbers = Enumerable.Range(0, count).Select(_ => _random.Next(1, 100)).ToArray();
        var order = numbers.OrderBy(_ => _random.Next()).ToArray();
        string expression = order[0].ToString(CultureInfo.InvariantCulture);
        long value = order[0];
        foreach (int x in order[1..])
        {
            switch (_random.Next(3))
            {
                case 0: expression = $"({expression} + {x})"; value += x; break;
                case 1: expression = $"({expression} - {x})"; value -= x; break;
                default: expression = $"{expression} * {x}"; value *= x; break;
            }
        }
        int roll = _random.Next(10);
        string answer = roll switch
        {
            < 5 => expression,
            < 8 => expression.Replace('+', '-'),
            8 => expression + " + 1",
            _ => expression + ")",
        };
        string completion = $"<think>\n{Reasoning("en", _random.Next(4, 20))}\n</think>\n<answer>{answer}</answer>";
        return Input(Row(("numbers", numbers), ("target", value)), completion);
    }

    /// <summary>A row with a target language and reasoning mostly in it, sometimes mixed or in another language.</summary>
    public RewardInput Multilingual()
    {
        string target = Languages[_random.Next(Languages.Count)];
        int roll = _random.Next(10);
        string other = Languages[_random.Next(Languages.Count)];
        string reasoning = roll switch
        {
            < 6 => Reasoning(target, _random.Next(6, 30)),
            < 8 => Reasoning(target, _random.Next(3, 15)) + Reasoning(other, _random.Next(3, 15)),
            _ => Reasoning(other, _random.Next(6, 30)),
        };
        return Input(Row(("language", target)), $"<think>\n{reasoning}\n</think>\n<answer>42</answer>");
    }

    private RewardInput Input(PromptRow row, string completion)
    {
        int words = completion.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        return new RewardInput(row, completion, CompletionTokens: (int)(words * 1.4), Truncated: _random.Next(50) == 0);
    }

    private static PromptRow Row(params (string Column, object Value)[] columns) =>
        new("bench", "prompt", columns.ToDictionary(c => c.Column, c => JsonSerializer.SerializeToElement(c.Value)));

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);
}
