using System.Diagnostics;
using ErsouIntel.Api.Tests.WebConsole.Browser;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ErsouIntel.Api.Tests.WebConsole;

/// <summary>The first thing a newcomer meets: the console at <c>/</c>, with its sign-in form usable quickly.</summary>
public sealed class SignInPageTests(ConsoleFixture console, ITestOutputHelper output) : ConsoleTest(console), IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task The_sign_in_form_is_usable_soon_after_the_address_is_opened()
    {
        // Once to warm the server's first-request paths, then the measured load in a fresh page.
        await Page.GotoAsync("/");
        await Assertions.Expect(Button("Sign in")).ToBeVisibleAsync();
        var page = await Context.NewPageAsync();
        Watch(page);

        var clock = Stopwatch.StartNew();
        await page.GotoAsync(Service.BaseUrl + "/", new() { WaitUntil = WaitUntilState.Commit });
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true })).ToBeEnabledAsync();
        clock.Stop();

        await Assertions.Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Username", Exact = true })).ToBeEditableAsync();
        Measurements.Record("firstPageUsableMs", clock.Elapsed.TotalMilliseconds);
        output.WriteLine($"First page usable on loopback: {clock.Elapsed.TotalMilliseconds:0} ms");
    }
}
