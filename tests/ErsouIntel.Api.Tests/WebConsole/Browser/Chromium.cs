using System.Diagnostics;
using Microsoft.Playwright;

namespace ErsouIntel.Api.Tests.WebConsole.Browser;

/// <summary>
/// Debian's <c>chromium</c>, the only browser the tests use: Playwright cannot download one here, so it is
/// launched by path. Installed when missing if the tests run as root (as CI does on a fresh clone);
/// otherwise every browser test fails saying how to install it. None is ever skipped.
/// </summary>
public static class Chromium
{
    public const string Path = "/usr/bin/chromium";

    /// <summary>Without the networking flags Chromium tries to reach the outside many times a second.</summary>
    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private static readonly Lazy<Task> Installed = new(EnsureInstalledAsync);

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        await Installed.Value;
        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Path,
            Headless = true,
            Args = Flags,
        });
    }

    private static async Task EnsureInstalledAsync()
    {
        if (File.Exists(Path))
        {
            return;
        }

        if (Environment.UserName != "root")
        {
            throw new InvalidOperationException(
                $"The browser tests need Debian's 'chromium' at {Path} and are not running as root to install it: run 'apt-get update && apt-get install -y chromium'.");
        }

        await System.Console.Out.WriteLineAsync("No chromium found; installing Debian's 'chromium' package.");
        var install = Process.Start(new ProcessStartInfo("/bin/sh", "-c \"apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium\"")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("Could not start apt-get to install chromium.");
        var output = install.StandardOutput.ReadToEndAsync();
        var errors = install.StandardError.ReadToEndAsync();
        await install.WaitForExitAsync();
        if (install.ExitCode != 0 || !File.Exists(Path))
        {
            throw new InvalidOperationException($"Installing 'chromium' failed (exit {install.ExitCode}): {await errors}{await output}");
        }
    }
}
