using Microsoft.Playwright;

namespace ErsouIntel.Api.Tests.WebConsole.Browser;

/// <summary>
/// One service in Development (demo accounts and intelligence) and one browser per test class; each test
/// takes a fresh browser context of its own (<see cref="ConsoleTest"/>), so no cookie crosses tests.
/// </summary>
public class ConsoleFixture : DevelopmentServiceFixture
{
    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where the console is served, as a person would type it.</summary>
    public string BaseUrl => Http.BaseAddress!.ToString().TrimEnd('/');

    protected override async Task SeedAsync()
    {
        // The driver is the one the NuGet package ships beside the tests; it never fetches a browser.
        System.Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        playwright = await Playwright.CreateAsync();
        Browser = await Chromium.LaunchAsync(playwright);
    }

    public override async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        playwright?.Dispose();
        await base.DisposeAsync();
    }
}
