using System.Globalization;
using System.Text;

namespace Forge.Core.Reports;

/// <summary>
/// One line chart as inline SVG: a title, y-axis ticks at the data's range, x-axis ticks at the first and last step,
/// and the series as a polyline. Drawn here rather than by a script so the report needs nothing but a browser.
/// </summary>
public static class SvgLineChart
{
    private const int Width = 360, Height = 200, Left = 48, Right = 10, Top = 24, Bottom = 28;

    /// <summary>SVG markup for <paramref name="points"/> (step, value), or an empty string when there are none.</summary>
    public static string Render(string title, IReadOnlyList<(double X, double Y)> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var finite = points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        if (finite.Count == 0) return "";
        double xMin = finite.Min(p => p.X), xMax = finite.Max(p => p.X), yMin = finite.Min(p => p.Y), yMax = finite.Max(p => p.Y);
        if (xMax == xMin) xMax = xMin + 1;
        if (yMax == yMin) { yMin -= 0.5; yMax += 0.5; }
        double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        double Px(double x) => Left + (x - xMin) / (xMax - xMin) * plotW;
        double Py(double y) => Top + (1 - (y - yMin) / (yMax - yMin)) * plotH;

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{Html.Escape(title)}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"title\" x=\"{Width / 2}\" y=\"15\" text-anchor=\"middle\">{Html.Escape(title)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotW}\" height=\"{plotH}\" class=\"frame\"/>");
        for (int i = 0; i <= 4; i++)
        {
            double y = yMin + (yMax - yMin) * i / 4;
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{F(Py(y))}\" y2=\"{F(Py(y))}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{Left - 4}\" y=\"{F(Py(y) + 3)}\" text-anchor=\"end\">{Tick(y)}</text>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{Left}\" y=\"{Height - 12}\" text-anchor=\"start\">{Tick(xMin)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{Width - Right}\" y=\"{Height - 12}\" text-anchor=\"end\">{Tick(xMax)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{Left + plotW / 2}\" y=\"{Height - 2}\" text-anchor=\"middle\">step</text>");
        svg.Append("<polyline class=\"series\" points=\"");
        svg.AppendJoin(' ', finite.Select(p => $"{F(Px(p.X))},{F(Py(p.Y))}"));
        svg.Append("\"/></svg>");
        return svg.ToString();
    }

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Tick(double v) => Math.Abs(v) >= 1000 || (v != 0 && Math.Abs(v) < 0.01)
        ? v.ToString("0.##e0", CultureInfo.InvariantCulture)
        : v.ToString("0.###", CultureInfo.InvariantCulture);
}
