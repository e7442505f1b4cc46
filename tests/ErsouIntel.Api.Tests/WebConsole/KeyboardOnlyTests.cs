using ErsouIntel.Api.Tests.WebConsole.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ErsouIntel.Api.Tests.WebConsole;

/// <summary>An investigator who uses no mouse: every step by Tab, typing and Enter.</summary>
public sealed class KeyboardOnlyTests(ConsoleFixture console) : ConsoleTest(console), IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task Signing_in_searching_and_selecting_and_expanding_a_node_need_only_the_keyboard()
    {
        await Page.GotoAsync("/");
        await TabToAsync(Textbox("Username"));
        await Page.Keyboard.TypeAsync("essex.investigator");
        await TabToAsync(Textbox("Password"));
        await Page.Keyboard.TypeAsync(Password);
        await Page.Keyboard.PressAsync("Enter");

        await TabToAsync(Textbox("Justification"));
        await Page.Keyboard.TypeAsync("Operation DOORSTEP, keyboard only");
        await TabToAsync(Button("Start"));
        await Page.Keyboard.PressAsync("Enter");

        await TabToAsync(Page.GetByRole(AriaRole.Searchbox, new() { Name = "Search", Exact = true }));
        await Page.Keyboard.TypeAsync("07700 900500");
        await Page.Keyboard.PressAsync("Enter");
        await TabToAsync(Page.GetByRole(AriaRole.Link, new() { Name = "+447700900500", Exact = true }));
        await Page.Keyboard.PressAsync("Enter");

        var chart = Page.GetByRole(AriaRole.Region, new() { Name = "Link chart", Exact = true });
        var oxhey = chart.GetByRole(AriaRole.Button, new() { Name = "HC/2024/0311", Exact = true });
        await Expect(oxhey).ToBeVisibleAsync();
        await TabToAsync(oxhey);
        await Page.Keyboard.PressAsync("Enter");
        await Expect(oxhey).ToHaveAttributeAsync("aria-pressed", "true");

        // Expand sits before the nodes: back to it with Shift+Tab.
        await TabToAsync(Button("Expand"), backwards: true);
        await Page.Keyboard.PressAsync("Enter");
        await Expect(chart.GetByRole(AriaRole.Button, new() { Name = "KX21ABC", Exact = true })).ToBeVisibleAsync();
    }

    /// <summary>Presses Tab (or Shift+Tab) until <paramref name="target"/> has the focus; fails if it is never reached.</summary>
    private async Task TabToAsync(ILocator target, bool backwards = false)
    {
        await Expect(target).ToBeVisibleAsync();
        for (var presses = 0; presses < 200; presses++)
        {
            if (await target.EvaluateAsync<bool>("e => e === document.activeElement"))
            {
                return;
            }

            await Page.Keyboard.PressAsync(backwards ? "Shift+Tab" : "Tab");
        }

        Assert.Fail($"{target} was not reached by {(backwards ? "Shift+Tab" : "Tab")} in 200 presses.");
    }
}
