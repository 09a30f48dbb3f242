using System.Text;

namespace Forge.Plugins.Tasks;

/// <summary>
/// Assigns a problem to train or test by a stable hash of its text (FNV-1a), so the splits are disjoint whatever the
/// seed and a held-out problem never leaks into training.
/// </summary>
internal static class StableSplit
{
    public static bool IsTest(string text, int testPercent)
    {
        uint hash = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(text)) hash = (hash ^ b) * 16777619;
        return hash % 100 < (uint)testPercent;
    }

    public static bool Belongs(string text, string split, int testPercent) => split switch
    {
        "train" => !IsTest(text, testPercent),
        "test" => IsTest(text, testPercent),
        _ => throw new ArgumentException($"unknown split '{split}' (expected train or test)", nameof(split)),
    };
}
