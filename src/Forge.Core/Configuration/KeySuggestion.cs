namespace Forge.Core.Configuration;

/// <summary>"Did you mean …?" for a mistyped key or name: the closest candidates by edit distance.</summary>
public static class KeySuggestion
{
    /// <summary>
    /// A sentence fragment for an unknown <paramref name="given"/>: "did you mean Steps?" when a candidate is close
    /// (edit distance at most a third of its length, case ignored), always followed by the valid names.
    /// </summary>
    public static string For(string given, IEnumerable<string> candidates, string what = "valid keys")
    {
        ArgumentNullException.ThrowIfNull(given);
        var list = candidates.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        string valid = list.Count == 0 ? $"{what}: (none)" : $"{what}: {string.Join(", ", list)}";
        var best = Closest(given, list);
        return best is null ? valid : $"did you mean {best}? ({valid})";
    }

    /// <summary>The closest candidate within the distance bound, or null.</summary>
    public static string? Closest(string given, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            int distance = Distance(given.ToLowerInvariant(), candidate.ToLowerInvariant());
            int bound = Math.Max(1, Math.Max(given.Length, candidate.Length) / 3);
            if (distance <= bound && distance < bestDistance) (best, bestDistance) = (candidate, distance);
        }
        return best;
    }

    /// <summary>Optimal-string-alignment distance (a swap of neighbours counts once: Stpes → Steps is 1).</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
