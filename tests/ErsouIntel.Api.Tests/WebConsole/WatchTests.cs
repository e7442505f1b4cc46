using ErsouIntel.Api.Tests.WebConsole.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ErsouIntel.Api.Tests.WebConsole;

/// <summary>
/// Issue 18 in the console: an investigator watches the number an entity page is about and stops watching it,
/// and the button says which it will do, after a reload too; the service's own list of watches agrees.
/// </summary>
public sealed class WatchTests(ConsoleFixture console) : ConsoleTest(console), IClassFixture<ConsoleFixture>
{
    private const string BoilerRoom = "+447700900500";
    private const string Why = "Operation DOORSTEP, watching the boiler room";

    [Fact]
    public async Task An_investigator_watches_a_number_from_its_page_then_unwatches_it_and_the_watches_agree()
    {
        await SignInAsync("essex.investigator");
        await StartWorkAsync("Investigation", Why);
        await OpenAsync("07700 900500", BoilerRoom);

        await Expect(Button("Watch")).ToBeEnabledAsync();
        await Button("Watch").ClickAsync();
        await Expect(Button("Unwatch")).ToBeEnabledAsync();
        await Expect(Button("Watch")).ToHaveCountAsync(0);
        await Expect(Page.GetByRole(AriaRole.Status).Filter(new() { HasText = $"You watch {BoilerRoom} until" })).ToBeVisibleAsync();
        Assert.Equal([BoilerRoom], await WatchedAsync());

        // A reload reads the watch back: the button still offers to end it.
        await Page.ReloadAsync();
        await Expect(Page.GetByRole(AriaRole.Region, new() { Name = "Link chart", Exact = true }).GetByRole(AriaRole.Button, new() { Name = BoilerRoom, Exact = true })).ToBeVisibleAsync();
        await Expect(Button("Unwatch")).ToBeEnabledAsync();
        await Expect(Button("Watch")).ToHaveCountAsync(0);

        await Button("Unwatch").ClickAsync();
        await Expect(Button("Watch")).ToBeEnabledAsync();
        await Expect(Page.GetByRole(AriaRole.Status).Filter(new() { HasText = $"You no longer watch {BoilerRoom}." })).ToBeVisibleAsync();
        Assert.Empty(await WatchedAsync());

        await Page.ReloadAsync();
        await Expect(Button("Watch")).ToBeEnabledAsync();
        await Expect(Button("Unwatch")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_incident_page_offers_no_watch()
    {
        await SignInAsync("essex.investigator");
        await StartWorkAsync("Investigation", Why);
        await OpenAsync("HC/2024/0311", "HC/2024/0311");

        var chart = Page.GetByRole(AriaRole.Region, new() { Name = "Link chart", Exact = true });
        await Expect(chart).ToHaveAttributeAsync("aria-busy", "false");
        await Expect(Button("Export CSV")).ToBeEnabledAsync();
        await Expect(Button("Watch")).ToHaveCountAsync(0);
        await Expect(Button("Unwatch")).ToHaveCountAsync(0);
    }

    /// <summary>Searches <paramref name="text"/> and follows the result named <paramref name="result"/> to its entity page.</summary>
    private async Task OpenAsync(string text, string result)
    {
        var search = Page.GetByRole(AriaRole.Searchbox, new() { Name = "Search", Exact = true });
        await search.FillAsync(text);
        await search.PressAsync("Enter");
        await Page.GetByRole(AriaRole.Link, new() { Name = result, Exact = true }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Region, new() { Name = "Link chart", Exact = true }).GetByRole(AriaRole.Button, new() { Name = result, Exact = true })).ToBeVisibleAsync();
    }

    /// <summary>The labels of the investigator's live watches, as the service lists them to the browser's session.</summary>
    private async Task<List<string>> WatchedAsync()
    {
        var data = await PageSession.GraphQLAsync(Context, """
            query ($purpose: Purpose!, $why: String!) { access(purpose: $purpose, justification: $why) { watches { entity { kind label } } } }
            """, new { purpose = "INVESTIGATION", why = Why });
        return [.. data["access"]!["watches"]!.AsArray().Select(w => w!["entity"]!["label"]!.GetValue<string>())];
    }
}
