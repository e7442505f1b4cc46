using Microsoft.Playwright;

namespace ErsouIntel.Api.Tests.WebConsole.Browser;

/// <summary>
/// A test that uses the console as a person would: a fresh browser context (no cookies, no storage) and
/// page per test, the page driven only by the contract's accessible names. A Content-Security-Policy
/// violation or an uncaught script error on the page fails the test: the console must work under its
/// own policy, not merely look as if it did.
/// </summary>
public abstract class ConsoleTest(ConsoleFixture console) : IAsyncLifetime
{
    public const string Password = ErsouIntel.Api.Identity.DevelopmentSeed.Password;

    private readonly List<string> violations = [];

    protected ConsoleFixture Service => console;

    protected IBrowserContext Context { get; private set; } = null!;

    protected IPage Page { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Context = await console.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = console.BaseUrl,
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            AcceptDownloads = true,
            Locale = "en-GB",
            TimezoneId = "Europe/London",
        });
        // Generous for a loaded two-core machine; a person would not wait this long, but CI is not a person.
        Context.SetDefaultTimeout(30_000);
        Assertions.SetDefaultExpectTimeout(20_000);
        Page = await Context.NewPageAsync();
        Watch(Page);
    }

    public virtual async Task DisposeAsync()
    {
        await Context.CloseAsync();
        Assert.True(violations.Count == 0, "The page broke its policy or threw:\n" + string.Join('\n', violations));
    }

    /// <summary>Fails the test on any CSP report or uncaught error in <paramref name="page"/>.</summary>
    protected void Watch(IPage page)
    {
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                lock (violations)
                {
                    violations.Add($"CSP: {message.Text}");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (violations)
            {
                violations.Add($"Uncaught: {error}");
            }
        };
    }

    protected ILocator Button(string name) => Page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    protected ILocator Textbox(string name) => Page.GetByRole(AriaRole.Textbox, new() { Name = name, Exact = true });

    /// <summary>Signs in on the console's own form; the page then shows the purpose step or the work.</summary>
    protected async Task SignInAsync(string username)
    {
        await Page.GotoAsync("/");
        await Textbox("Username").FillAsync(username);
        await Textbox("Password").FillAsync(Password);
        await Button("Sign in").ClickAsync();
        await Assertions.Expect(Button("Sign out")).ToBeVisibleAsync();
    }

    /// <summary>An investigator's first step: why they are looking.</summary>
    protected async Task StartWorkAsync(string purpose, string justification)
    {
        await Page.GetByRole(AriaRole.Combobox, new() { Name = "Purpose", Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = purpose });
        await Textbox("Justification").FillAsync(justification);
        await Button("Start").ClickAsync();
        await Assertions.Expect(Button("Start")).ToHaveCountAsync(0);
    }
}
