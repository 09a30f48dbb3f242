namespace Forge.Core.Reports;

/// <summary>HTML escaping for report text: completions hold <c>&lt;think&gt;</c> tags that must show as text.</summary>
public static class Html
{
    /// <summary><paramref name="text"/> with &amp;, &lt;, &gt;, quotes escaped.</summary>
    public static string Escape(string text) => System.Net.WebUtility.HtmlEncode(text);
}
