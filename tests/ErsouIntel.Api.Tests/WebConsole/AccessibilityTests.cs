using Deque.AxeCore.Playwright;
using ErsouIntel.Api.Tests.WebConsole.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ErsouIntel.Api.Tests.WebConsole;

/// <summary>axe-core on every screen a person works in: no serious or critical violation on any.</summary>
public sealed class AccessibilityTests(ConsoleFixture console) : ConsoleTest(console), IClassFixture<ConsoleFixture>
{
    private readonly List<string> found = [];

    [Fact]
    public async Task The_sign_in_purpose_search_entity_case_and_access_log_pages_have_no_serious_or_critical_violations()
    {
        await Page.GotoAsync("/");
        await Expect(Button("Sign in")).ToBeVisibleAsync();
        await CheckAsync("sign-in");

        await SignInAsync("essex.investigator");
        await Expect(Button("Start")).ToBeVisibleAsync();
        await CheckAsync("purpose");

        await StartWorkAsync("Investigation", "Operation DOORSTEP, accessibility check");
        var search = Page.GetByRole(AriaRole.Searchbox, new() { Name = "Search", Exact = true });
        await search.FillAsync("07700 900500");
        await search.PressAsync("Enter");
        var number = Page.GetByRole(AriaRole.Link, new() { Name = "+447700900500", Exact = true });
        await Expect(number).ToBeVisibleAsync();
        await CheckAsync("search");

        await number.ClickAsync();
        var chart = Page.GetByRole(AriaRole.Region, new() { Name = "Link chart", Exact = true });
        await Expect(chart.GetByRole(AriaRole.Button, new() { Name = "HC/2024/0311", Exact = true })).ToBeVisibleAsync();
        await Expect(chart).ToHaveAttributeAsync("aria-busy", "false");
        await CheckAsync("entity");

        await Page.GetByRole(AriaRole.Link, new() { Name = "Cases", Exact = true }).ClickAsync();
        await Expect(Button("Open case")).ToBeVisibleAsync();
        await CheckAsync("cases");
        await Page.GetByRole(AriaRole.Link, new() { Name = "ERSOU-OP-DOORSTEP" }).First.ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Region, new() { Name = "Timeline", Exact = true }).GetByRole(AriaRole.Cell, new() { Name = "Note added" }).First).ToBeVisibleAsync();
        await CheckAsync("case");

        await Button("Sign out").ClickAsync();
        await SignInAsync("region.auditor");
        await Expect(Page.GetByRole(AriaRole.Columnheader, new() { Name = "Sequence", Exact = true })).ToBeVisibleAsync();
        await CheckAsync("access log");

        Assert.True(found.Count == 0, "axe-core found serious or critical violations:\n" + string.Join('\n', found));
    }

    private async Task CheckAsync(string screen)
    {
        var result = await Page.RunAxe();
        // axe ran over this screen: it passed rules, so an empty list of violations means something.
        Assert.NotEmpty(result.Passes);
        foreach (var violation in result.Violations.Where(v => v.Impact is "serious" or "critical"))
        {
            found.Add($"{screen}: {violation.Impact} {violation.Id} ({violation.Help}) at {string.Join(", ", violation.Nodes.Select(n => n.Target?.ToString()))}");
        }
    }
}
