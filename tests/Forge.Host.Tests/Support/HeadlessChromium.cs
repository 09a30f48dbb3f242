using System.Diagnostics;

namespace Forge.Host.Tests.Support;

/// <summary>Debian's <c>chromium</c> run headless: the DOM it built from a page, or a screenshot of it.</summary>
internal static class HeadlessChromium
{
    private static string Executable()
    {
        foreach (string name in new[] { "chromium", "chromium-browser" })
            foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
                if (File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        throw new InvalidOperationException("chromium not found on PATH: install Debian's chromium package (apt-get install -y chromium); .ci/run does so when it is missing");
    }

    /// <summary>
    /// The serialized DOM after Chromium loaded and laid out <paramref name="file"/> and ran its scripts (virtual time
    /// lets the page's timers and animation frames run out before the dump).
    /// </summary>
    public static string DumpDom(string file) => Run(VirtualTime, "--dump-dom", new Uri(file).AbsoluteUri);

    /// <summary>Writes a PNG screenshot of <paramref name="file"/> to <paramref name="png"/>.</summary>
    public static void Screenshot(string file, string png) => Run(VirtualTime, $"--screenshot={png}", "--window-size=1200,1600", new Uri(file).AbsoluteUri);

    private const string VirtualTime = "--virtual-time-budget=20000";

    private static string Run(params string[] args)
    {
        var info = new ProcessStartInfo(Executable()) { RedirectStandardOutput = true, RedirectStandardError = true };
        // A fresh profile per call: parallel test runs must not share Chromium's profile lock.
        string profile = Directory.CreateTempSubdirectory("forge-chromium-").FullName;
        foreach (string a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", $"--user-data-dir={profile}" }.Concat(args))
            info.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(120_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("chromium did not finish in 120 s");
            }
            if (process.ExitCode != 0) throw new InvalidOperationException($"chromium exited {process.ExitCode}: {stderr.Result}");
            return stdout.Result;
        }
        finally
        {
            try { Directory.Delete(profile, true); } catch (IOException) { }
        }
    }
}
