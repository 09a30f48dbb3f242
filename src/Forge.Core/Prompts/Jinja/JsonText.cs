using System.Globalization;
using System.Text;

namespace Forge.Core.Prompts.Jinja;

/// <summary>
/// The <c>tojson</c> filter as transformers defines it: Python's <c>json.dumps(x, ensure_ascii=False, indent=…,
/// separators=…, sort_keys=…)</c> — <c>", "</c> and <c>": "</c> between items (<c>","</c> at line ends when indented),
/// non-ASCII kept, nothing HTML-escaped, floats as Python prints them.
/// </summary>
internal static class JsonText
{
    public static string Dumps(object? value, long? indent, bool ensureAscii, string? itemSeparator, string? keySeparator, bool sortKeys)
    {
        var sb = new StringBuilder();
        Write(sb, value, indent, 0, ensureAscii, itemSeparator ?? (indent is null ? ", " : ","), keySeparator ?? ": ", sortKeys);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, object? v, long? indent, int depth, bool ascii, string itemSep, string keySep, bool sortKeys)
    {
        switch (v)
        {
            case null: sb.Append("null"); return;
            case bool b: sb.Append(b ? "true" : "false"); return;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); return;
            case double d:
                sb.Append(double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : PyFloat.Repr(d));
                return;
            case string s: WriteString(sb, s, ascii); return;
            case List<object?> list:
                if (list.Count == 0)
                {
                    sb.Append("[]");
                    return;
                }
                sb.Append('[');
                for (int i = 0; i < list.Count; i++)
                {
                    if (i > 0) sb.Append(itemSep);
                    NewLine(sb, indent, depth + 1);
                    Write(sb, list[i], indent, depth + 1, ascii, itemSep, keySep, sortKeys);
                }
                NewLine(sb, indent, depth);
                sb.Append(']');
                return;
            case JinjaDict dict:
                if (dict.Count == 0)
                {
                    sb.Append("{}");
                    return;
                }
                sb.Append('{');
                var pairs = sortKeys ? dict.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList() : dict.ToList();
                for (int i = 0; i < pairs.Count; i++)
                {
                    if (i > 0) sb.Append(itemSep);
                    NewLine(sb, indent, depth + 1);
                    WriteString(sb, pairs[i].Key, ascii);
                    sb.Append(keySep);
                    Write(sb, pairs[i].Value, indent, depth + 1, ascii, itemSep, keySep, sortKeys);
                }
                NewLine(sb, indent, depth);
                sb.Append('}');
                return;
            case Namespace ns:
                throw new JinjaRuntimeException("Object of type Namespace is not JSON serializable");
            default:
                throw new JinjaRuntimeException($"Object of type {Py.TypeName(v)} is not JSON serializable");
        }
    }

    private static void NewLine(StringBuilder sb, long? indent, int depth)
    {
        if (indent is null) return;
        sb.Append('\n').Append(' ', (int)indent.Value * depth);
    }

    private static void WriteString(StringBuilder sb, string s, bool ascii)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || (ascii && c > 0x7e)) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }
}
