using System.Diagnostics;
using Forge.Plugins.LanguageConsistency;
using Microsoft.Extensions.Configuration;

namespace Forge.Plugins.Rewards.Tests;

/// <summary>One detector for the whole class: Lingua loads a language's models on first use (lazily).</summary>
public sealed class LanguageRewardFixture
{
    public LanguageConsistencyReward Reward { get; } = new(new LanguageConsistencyOptions());
}

public class LanguageConsistencyTests(LanguageRewardFixture fixture) : IClassFixture<LanguageRewardFixture>
{
    internal static readonly Dictionary<string, string> Text = new()
    {
        ["en"] = "First, we need to find the total number of apples that Tom has after buying more. He starts with three apples and buys four more, so he has seven apples in total. Let me double-check this by counting again.",
        ["de"] = "Zuerst müssen wir die Gesamtzahl der Äpfel bestimmen, die Tom nach dem Einkauf hat. Er beginnt mit drei Äpfeln und kauft vier weitere, also hat er insgesamt sieben Äpfel. Ich überprüfe das noch einmal, indem ich erneut zähle.",
        ["fr"] = "D'abord, nous devons trouver le nombre total de pommes que Tom possède après ses achats. Il commence avec trois pommes et en achète quatre de plus, donc il en a sept au total. Vérifions cela en comptant encore une fois.",
        ["es"] = "Primero, necesitamos encontrar el número total de manzanas que tiene Tom después de comprar más. Empieza con tres manzanas y compra cuatro más, así que tiene siete manzanas en total. Voy a comprobarlo contando otra vez.",
        ["it"] = "Prima di tutto, dobbiamo trovare il numero totale di mele che Tom ha dopo averne comprate altre. Inizia con tre mele e ne compra altre quattro, quindi ha sette mele in tutto. Controlliamo contando di nuovo.",
        ["zh"] = "首先，我们需要求出汤姆买完之后一共有多少个苹果。他一开始有三个苹果，又买了四个，所以一共有七个苹果。让我再数一遍来检查。",
        ["ja"] = "まず、トムが買った後に持っているりんごの総数を求める必要があります。最初に三個持っていて、さらに四個買ったので、合計で七個になります。もう一度数えて確認します。",
        ["ru"] = "Сначала нам нужно найти общее количество яблок, которое есть у Тома после покупки. У него было три яблока, и он купил ещё четыре, значит всего у него семь яблок. Давайте проверим это ещё раз.",
        ["ko"] = "먼저 톰이 사과를 산 후에 가진 사과의 총 개수를 구해야 합니다. 처음에 세 개가 있었고 네 개를 더 샀으므로 모두 일곱 개입니다.",
    };

    private double? Score(string completion, string? language) =>
        fixture.Reward.Score(language is null ? Rows.With() : Rows.With(("language", language)), completion);

    public static TheoryData<string> Languages => [.. Text.Keys];

    [Theory]
    [MemberData(nameof(Languages))]
    public void Reasoning_in_the_target_language_scores_1(string language) =>
        Score($"<think>{Text[language]}</think><answer>7</answer>", language).Should().BeGreaterThanOrEqualTo(0.95);

    [Theory]
    [InlineData("en", "de")]
    [InlineData("de", "en")]
    [InlineData("fr", "es")]
    [InlineData("es", "it")]
    [InlineData("en", "zh")]
    [InlineData("zh", "en")]
    [InlineData("zh", "ja")]
    [InlineData("ja", "zh")]
    [InlineData("ru", "en")]
    [InlineData("ko", "zh")]
    public void Reasoning_in_another_language_scores_near_0(string written, string target) =>
        Score($"<think>{Text[written]}</think><answer>7</answer>", target).Should().BeLessThanOrEqualTo(0.05);

    [Fact]
    public void Mixed_reasoning_scores_the_share_of_target_words()
    {
        string english = Text["en"], german = Text["de"];
        int englishWords = english.Split(' ').Length, germanWords = german.Split(' ').Length;
        double expected = englishWords / (double)(englishWords + germanWords);
        Score($"<think>{english}\n{german}</think>", "en").Should().BeApproximately(expected, 0.05);
        Score($"<think>{english}\n{german}</think>", "de").Should().BeApproximately(1 - expected, 0.05);
    }

    [Fact]
    public void Chinese_with_english_terms_weighs_each_han_character_two_thirds_of_a_word()
    {
        // 10 Han characters (about 1.5 per English word), 2 English words.
        Score("<think>首先我们用 gradient descent 来优化参数。</think>", "zh").Should().BeApproximately(10 * 2.0 / 3 / (10 * 2.0 / 3 + 2), 1e-9);
    }

    [Fact]
    public void Han_characters_next_to_digits_are_words()
    {
        // 有3个苹果: 4 Han characters (a digit next to a Latin letter makes it maths, not next to 个); so apples: 2 words.
        Score("<think>有3个苹果, so apples.</think>", "zh").Should().BeApproximately(4 * 2.0 / 3 / (4 * 2.0 / 3 + 2), 1e-9);
    }

    [Fact]
    public void Korean_words_are_the_runs_between_spaces()
    {
        // 3 Korean words (11 syllables), 2 English words.
        Score("<think>우리는 gradient descent 방법을 사용합니다.</think>", "ko").Should().BeApproximately(3.0 / 5, 1e-9);
    }

    [Theory]
    [InlineData("de", "en")]
    [InlineData("fr", "en")]
    [InlineData("es", "en")]
    [InlineData("it", "en")]
    [InlineData("ja", "zh")]
    public void Reasoning_in_another_language_scores_near_0_when_the_target_is_the_only_candidate_of_its_script(string written, string target)
    {
        var reward = new LanguageConsistencyReward(new LanguageConsistencyOptions { CandidateLanguages = "en,zh" });
        reward.Score(Rows.With(("language", target)), $"<think>{Text[written]}</think><answer>7</answer>").Should().BeLessThanOrEqualTo(0.05);
    }

    [Fact]
    public void Long_reasoning_in_a_language_that_is_not_listed_scores_near_0()
    {
        // Lingua chooses among English, German and French only, and may read Polish as English; the screen over all its
        // Latin-script languages finds Polish.
        var options = new LanguageConsistencyOptions();
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["CandidateLanguages"] = "en,zh", ["DetectionLanguages"] = "de,fr" })
            .Build().Bind(options);
        const string polish = "Najpierw musimy znaleźć łączną liczbę jabłek, które Tom ma po zakupach. Zaczyna z trzema jabłkami i kupuje "
            + "jeszcze cztery, więc ma razem siedem jabłek. Sprawdzę to jeszcze raz, licząc ponownie.";
        new LanguageConsistencyReward(options).Score(Rows.With(), $"<think>{polish}</think><answer>7</answer>").Should().BeLessThanOrEqualTo(0.05);
    }

    [Fact]
    public void Mixed_reasoning_scores_its_share_when_english_is_the_only_latin_candidate()
    {
        var reward = new LanguageConsistencyReward(new LanguageConsistencyOptions { CandidateLanguages = "en,zh" });
        string english = Text["en"], french = Text["fr"];
        int englishWords = english.Split(' ').Length, frenchWords = french.Split(' ').Length;
        reward.Score(Rows.With(), $"<think>{english}\n{french}</think>").Should().BeApproximately(englishWords / (double)(englishWords + frenchWords), 0.05);
    }

    [Theory]
    [InlineData("Let me compute.")]
    [InlineData("So a plus b is c.")]
    [InlineData("Check: 3 plus 4 is 7.")]
    [InlineData("Let me compute. So a plus b is c. Check: 3 plus 4 is 7.")]
    [InlineData("We get 12. So x = 4. Check: 3 times 4 is 12.")]
    public void Short_english_maths_reasoning_scores_1(string reasoning) =>
        Score($"<think>{reasoning}</think><answer>7</answer>", "en").Should().BeGreaterThanOrEqualTo(0.9);

    [Fact]
    public void Maths_notation_is_not_words()
    {
        Score(@"<think>设 $ab = cd$，则 gcd(12, 18) = 6，且 f(x) = x^2 + xy。</think>", "zh").Should().Be(1.0, "inline maths, functions, powers");
        Score(@"<think>The angle α is 30 degrees, so β = 60.</think>", "en").Should().Be(1.0, "a single Greek letter is a variable");
        Score(@"<think>面积是 \[ \mathrm{Area} = lw \] <br/> 所以已知。</think>", "zh").Should().Be(1.0, "display maths and tags");
    }

    [Fact]
    public void Numbers_math_and_variables_do_not_count()
    {
        Score(@"<think>设 x 为未知数，则 2x + 3 = 7，所以 x = 2。\frac{1}{2} = 0.5</think>", "zh").Should().Be(1.0);
        Score("<think>We have 2x + 3 = 7, so x = 2.</think>", "en").Should().Be(1.0);
    }

    [Fact]
    public void Only_the_chain_of_thought_counts()
    {
        Score($"<think>{Text["en"]}</think><answer>{Text["de"]}</answer>", "en").Should().BeGreaterThanOrEqualTo(0.95);
        Score($"{Text["en"]}</think><answer>{Text["de"]}</answer>", "en").Should().BeGreaterThanOrEqualTo(0.95, "the prompt opened <think>");
        Score(Text["de"], "de").Should().BeGreaterThanOrEqualTo(0.95, "no tags: the whole completion");
    }

    [Fact]
    public void Empty_or_wordless_reasoning_scores_0()
    {
        Score("<think></think><answer>7</answer>", "en").Should().Be(0.0);
        Score("<think>1 + 2 = 3; 3 * 4 = 12</think><answer>12</answer>", "en").Should().Be(0.0);
        Score("", "en").Should().Be(0.0);
    }

    [Fact]
    public void Target_comes_from_the_row_else_the_default_and_unknown_targets_score_null()
    {
        Score($"<think>{Text["en"]}</think>", null).Should().BeGreaterThanOrEqualTo(0.95, "default en");
        Score($"<think>{Text["en"]}</think>", "EN").Should().BeGreaterThanOrEqualTo(0.95);
        Score($"<think>{Text["zh"]}</think>", "zh-CN").Should().BeGreaterThanOrEqualTo(0.95);
        Score($"<think>{Text["en"]}</think>", "ar").Should().BeNull("Arabic is not a candidate");
        Score($"<think>{Text["en"]}</think>", "english").Should().BeNull();
    }

    [Fact]
    public void Huge_input_is_bounded()
    {
        string huge = "<think>" + string.Concat(Enumerable.Repeat("der die das 1+1=2 (((( ", 10_000)) + "</think>";
        Score("<think>Der Hund bellt, die Katze schläft.</think>", "de"); // loads Lingua's models outside the clock
        var watch = Stopwatch.StartNew();
        Score(huge, "de").Should().BeInRange(0.0, 1.0);
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
    }
}
