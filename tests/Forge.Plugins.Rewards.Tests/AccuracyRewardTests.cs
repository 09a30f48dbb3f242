using System.Diagnostics;
using Forge.Plugins.Rewards;

namespace Forge.Plugins.Rewards.Tests;

public class AccuracyRewardTests
{
    private static readonly AccuracyReward Reward = new(new AccuracyOptions());

    [Theory]
    // integers, negatives, decimals, thousands separators
    [InlineData("42", "<think>6*7</think><answer>42</answer>")]
    [InlineData("42", @"So the answer is \boxed{42}.")]
    [InlineData("-7", "<answer>−7</answer>")]
    [InlineData("-7", @"\boxed{-7}")]
    [InlineData("3.5", @"\boxed{3.50}")]
    [InlineData("0.5", @"\boxed{.5}")]
    [InlineData("1000", @"\boxed{1,000}")]
    [InlineData("1,000", "<answer>1000</answer>")]
    [InlineData("1000000", @"\boxed{1{,}000{,}000}")]
    [InlineData("1000", @"\boxed{1\,000}")]
    // fractions, roots, arithmetic
    [InlineData("0.5", @"\boxed{\frac{1}{2}}")]
    [InlineData("1/2", @"\boxed{\dfrac{1}{2}}")]
    [InlineData(@"\frac{3}{4}", @"\boxed{0.75}")]
    [InlineData(@"\tfrac12", @"\boxed{0.5}")]
    [InlineData(@"\frac{-3}{4}", @"\boxed{-\frac{3}{4}}")]
    [InlineData(@"\sqrt{8}", @"\boxed{2\sqrt{2}}")]
    [InlineData(@"2\sqrt2", @"\boxed{\sqrt{8}}")]
    [InlineData("3", @"\boxed{\sqrt[3]{27}}")]
    [InlineData("1024", @"\boxed{2^{10}}")]
    [InlineData("6", @"\boxed{2 \cdot 3}")]
    [InlineData("6", @"\boxed{2\times3}")]
    [InlineData("2", @"\boxed{6 \div 3}")]
    [InlineData("4", @"\boxed{(1+1)^2}")]
    [InlineData("12", @"\boxed{3(4)}")]
    [InlineData("2.5", @"\boxed{2\frac{1}{2}}")]
    [InlineData(@"2\pi", @"\boxed{2π}")]
    [InlineData(@"\frac{\sqrt{3}}{2}", @"\boxed{\frac{1}{2}\sqrt{3}}")]
    [InlineData("5", @"\boxed{((((((((((5))))))))))}")]
    // wrappers, text, units, degrees, percentages, currency
    [InlineData("5", @"\boxed{$5$}")]
    [InlineData("5", @"<answer>\(5\)</answer>")]
    [InlineData("5", @"<answer>$$5$$</answer>")]
    [InlineData("5", @"\boxed{5 \text{ cm}}")]
    [InlineData("5", "<answer>5 cm</answer>")]
    [InlineData("18", @"<answer>18 \text{ square feet}</answer>")]
    [InlineData("9.8", @"<answer>9.8 m/s^2</answer>")]
    [InlineData("12", @"<answer>\$12</answer>")]
    [InlineData("12", "<answer>$12</answer>")]
    [InlineData("12", "<answer>12 dollars.</answer>")]
    [InlineData("90", @"\boxed{90^\circ}")]
    [InlineData("90", @"\boxed{90^{\circ}}")]
    [InlineData("90", "<answer>90°</answer>")]
    [InlineData("25%", "<answer>25</answer>")]
    [InlineData(@"50\%", @"\boxed{0.5}")]
    [InlineData(@"50\%", @"\boxed{50 \text{ percent}}")]
    [InlineData(@"28 \text{ percent}", @"\boxed{28\%}")]
    [InlineData("5 km", @"\boxed{5 \text{ kilometers}}")]
    [InlineData("2 hours", "<answer>2 h</answer>")]
    [InlineData("18 ft^2", @"\boxed{18 \text{ square feet}}")]
    [InlineData("9.8 m/s^2", "<answer>9.8 meters per second^2</answer>")]
    [InlineData("1152921504606846976", @"\boxed{2^{60}}")]
    [InlineData("3", @"\boxed{\sqrt{9}}")]
    [InlineData(@"\left( \frac{1}{2} \right)", @"\boxed{0.5}")]
    [InlineData(@"\text{5}", "<answer>5</answer>")]
    [InlineData("5", "<answer>x = 5</answer>")]
    // non-numeric answers fall back to normalized text
    [InlineData("A", "<answer>(A)</answer>")]
    [InlineData("B", @"\boxed{\text{B}}")]
    [InlineData("C", @"\boxed{\textbf{(C)}}")]
    [InlineData("Paris", "<answer> paris. </answer>")]
    [InlineData("x+1", @"\boxed{x + 1}")]
    [InlineData("x^2+1", @"\boxed{x^{2} + 1}")]
    [InlineData(@"\infty", @"\boxed{\infty}")]
    [InlineData("(1, 2)", @"\boxed{(1,2)}")]
    [InlineData("(1, 2)", @"\boxed{\left(1, \frac{4}{2}\right)}")]
    // which answer counts
    [InlineData("7", @"first \boxed{3}, then finally \boxed{7}")]
    [InlineData("7", @"<answer>3</answer> but \boxed{7}")]
    [InlineData("7", "<answer>3</answer> no wait <answer>7</answer>")]
    [InlineData("7", @"\boxed{7} and an unbalanced \boxed{8")]
    [InlineData(@"\boxed{7}", "<answer>7</answer>")]
    public void Right_answers_score_1(string gold, string completion) =>
        Reward.Score(Rows.With(("answer", gold)), completion).Should().Be(1.0);

    [Theory]
    [InlineData("42", "<answer>41</answer>")]
    [InlineData("42", "the answer is 42")]
    [InlineData("42", "<answer>42")]
    [InlineData("3.5", @"\boxed{3.55}")]
    [InlineData("1000", @"\boxed{1,001}")]
    [InlineData("1000001", @"\boxed{1000000}")]
    [InlineData(@"\sqrt{8}", @"\boxed{3}")]
    [InlineData("0.5", @"\boxed{\frac{1}{3}}")]
    [InlineData("-7", @"\boxed{7}")]
    [InlineData("3", "<answer>3x</answer>")]
    [InlineData("A", "<answer>B</answer>")]
    [InlineData("5", "<answer></answer>")]
    [InlineData("(1, 2)", @"\boxed{(2, 1)}")]
    [InlineData("(1, 2)", @"\boxed{[1, 2]}")]
    [InlineData("1, 2", @"\boxed{1, 2, 3}")]
    [InlineData("5", "<answer>5 or 6</answer>")]
    [InlineData("x^2+1", @"\boxed{x^{3} + 1}")]
    [InlineData("5", "<answer>The answer is 5</answer>")] // prose is not an answer
    [InlineData(@"50\%", @"\boxed{5000}")]
    [InlineData(@"28 \text{ percent}", @"\boxed{2800}")]
    [InlineData("5 km", @"\boxed{5000 m}")] // no unit conversions
    [InlineData("[1, 3)", @"\boxed{[3, 1)}")]
    [InlineData("[1, 2)", @"\boxed{(1, 2]}")]
    [InlineData(@"\{1, 2\}", @"\boxed{(1, 2)}")]
    [InlineData(@"\{1, 2\}", @"\boxed{\{1, 3\}}")]
    [InlineData("2", @"$\boxed{2}$ or $\boxed{3}$")]
    [InlineData("2, 3", @"first \boxed{2}, then the answer is \boxed{3}")]
    public void Wrong_or_missing_answers_score_0(string gold, string completion) =>
        Reward.Score(Rows.With(("answer", gold)), completion).Should().Be(0.0);

    [Theory]
    [InlineData(@"\boxed{\frac{5}")]
    [InlineData(@"\boxed{5")]
    [InlineData(@"\boxed{\frac{1}{0}}")]
    [InlineData(@"\boxed{5^{5^{5^{5^{5}}}}}")]
    [InlineData(@"\boxed{\sqrt{-4}}")]
    [InlineData(@"\boxed{\sqrt[0]{5}}")]
    [InlineData(@"\boxed{\unknown{5}}")]
    [InlineData("<answer>System.IO.File.Delete(\"x\"); 5</answer>")]
    [InlineData("<answer>eval('5')</answer>")]
    [InlineData("<answer>__import__('os').system('rm -rf /')</answer>")]
    [InlineData("<answer>5)</answer>")]
    [InlineData("<answer>((5)</answer>")]
    [InlineData("<answer>5 +</answer>")]
    [InlineData("<answer>--</answer>")]
    [InlineData(@"<answer>\</answer>")]
    [InlineData(@"<answer>\frac</answer>")]
    [InlineData(@"<answer>\sqrt[</answer>")]
    [InlineData("<answer>1,00,0</answer>")]
    public void Malformed_answers_score_0(string completion) =>
        Reward.Score(Rows.With(("answer", "5")), completion).Should().Be(0.0);

    public static TheoryData<string, string> Adversarial => new()
    {
        { "deep parentheses", @"\boxed{" + new string('(', 5000) + "5" + new string(')', 5000) + "}" },
        { "deep answer tag parentheses", "<answer>" + new string('(', 900) + "5" + new string(')', 900) + "</answer>" },
        { "many signs", "<answer>" + new string('-', 998) + "5</answer>" },
        { "1MB digits", "<answer>" + new string('5', 1_000_000) + "</answer>" },
        { "1MB unbalanced boxes", string.Concat(Enumerable.Repeat(@"\boxed{", 150_000)) },
        { "1MB unbalanced frac", @"\boxed{" + string.Concat(Enumerable.Repeat(@"\frac{", 150_000)) },
        { "1MB of code", string.Concat(Enumerable.Repeat("for (;;) { x += 1; } ", 50_000)) + "<answer>while(true){}</answer>" },
        { "nested sqrt", @"\boxed{" + string.Concat(Enumerable.Repeat(@"\sqrt{", 300)) + "5" + new string('}', 300) + "}" },
        { "huge power tower", @"\boxed{9^{9^{9^{9}}}}" },
        { "huge exponent", @"\boxed{1e999999}" },
        { "huge root", @"\boxed{\sqrt[1000]{" + new string('7', 900) + "}}" },
        { "many boxes", string.Concat(Enumerable.Repeat(@"\boxed{5}, ", 100_000)) + @"\boxed{6}" },
    };

    [Theory]
    [MemberData(nameof(Adversarial))]
    public void Hostile_input_scores_0_fast(string name, string completion)
    {
        var watch = Stopwatch.StartNew();
        Reward.Score(Rows.With(("answer", "5")), completion).Should().Be(0.0, name);
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1), name);
    }

    [Fact]
    public void Deep_braces_are_only_grouping()
    {
        // Too deep for the arithmetic parser, but braces around a single symbol are dropped by the text fallback.
        var watch = Stopwatch.StartNew();
        Reward.Score(Rows.With(("answer", "5")), @"\boxed{" + new string('{', 450) + "5" + new string('}', 450) + "}").Should().Be(1.0);
        Reward.Score(Rows.With(("answer", "5")), @"\boxed{" + new string('{', 450) + "6" + new string('}', 450) + "}").Should().Be(0.0);
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Gold_answer_as_json_number_or_solution_with_box_works()
    {
        Reward.Score(Rows.With(("answer", 42)), "<answer>42</answer>").Should().Be(1.0);
        Reward.Score(Rows.With(("answer", 2.5)), @"\boxed{\frac{5}{2}}").Should().Be(1.0);
        Reward.Score(Rows.With(("answer", @"We compute 6\cdot 7 = \boxed{42}.")), "<answer>42</answer>").Should().Be(1.0);
    }

    [Fact]
    public void Missing_or_empty_gold_answer_scores_null()
    {
        Reward.Score(Rows.With(), "<answer>5</answer>").Should().BeNull();
        Reward.Score(Rows.With(("answer", "")), "<answer>5</answer>").Should().BeNull();
        Reward.Score(Rows.With(("answer", "  $ $ ")), "<answer>5</answer>").Should().BeNull();
        Reward.Score(Rows.With(("answer", null)), "<answer>5</answer>").Should().BeNull();
    }

    [Fact]
    public void Options_choose_column_and_tolerance()
    {
        var loose = new AccuracyReward(new AccuracyOptions { AnswerColumn = "solution", RelativeTolerance = 0.01 });
        loose.Score(Rows.With(("solution", "1.41")), @"\boxed{\sqrt{2}}").Should().Be(1.0);
        Reward.Score(Rows.With(("answer", "1.41")), @"\boxed{\sqrt{2}}").Should().Be(0.0);
    }
}
