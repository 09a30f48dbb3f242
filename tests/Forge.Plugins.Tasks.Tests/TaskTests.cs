using Forge.Plugins.Tasks;

namespace Forge.Plugins.Tasks.Tests;

public class TaskTests
{
    [Fact]
    public void Arithmetic_splits_are_disjoint_deterministic_and_answers_are_right()
    {
        var task = new ArithmeticTask(new ArithmeticOptions { MaxRows = 300, MaxOperands = 4 });
        var train = task.Rows("train", 1).ToList();
        var test = task.Rows("test", 1).ToList();

        train.Should().HaveCount(300);
        test.Select(r => r.Prompt).Should().NotIntersectWith(train.Select(r => r.Prompt));
        task.Rows("train", 1).Select(r => r.Prompt).Should().Equal(train.Select(r => r.Prompt));
        task.Rows("train", 2).Select(r => r.Prompt).Should().NotEqual(train.Select(r => r.Prompt));
        foreach (var row in train.Take(50))
            row.GetString("answer").Should().Be(Reference(row.GetString("expression")!).ToString());
    }

    [Fact]
    public void Countdown_targets_are_reachable_with_each_number_once()
    {
        var task = new CountdownTask(new CountdownOptions { MaxRows = 40 });
        foreach (var row in task.Rows("train", 3))
        {
            row.TryGet<int[]>("numbers", out var numbers).Should().BeTrue();
            row.TryGet<long>("target", out long target).Should().BeTrue();
            numbers!.Length.Should().BeInRange(3, 4);
            Reachable(numbers.Select(n => (double)n).ToList(), target).Should().BeTrue(row.Prompt);
        }
    }

    private static long Reference(string expression)
    {
        // Independent evaluation: System.Data's expression evaluator handles integer + - * with precedence.
        return Convert.ToInt64(new System.Data.DataTable().Compute(expression, null));
    }

    private static bool Reachable(List<double> pool, double target)
    {
        if (pool.Count == 1) return Math.Abs(pool[0] - target) < 1e-9;
        for (int i = 0; i < pool.Count; i++)
            for (int j = 0; j < pool.Count; j++)
            {
                if (i == j) continue;
                var rest = pool.Where((_, k) => k != i && k != j).ToList();
                double a = pool[i], b = pool[j];
                foreach (double v in new[] { a + b, a - b, a * b, b != 0 ? a / b : double.NaN })
                    if (!double.IsNaN(v) && Reachable([.. rest, v], target)) return true;
            }
        return false;
    }
}
