using System.Collections.Concurrent;
using Deque.AxeCore.Playwright;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Api.Tests.WebConsole.Browser;
using ErsouIntel.Domain;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ErsouIntel.Api.Tests.WebConsole;

/// <summary>
/// Issue 18's region "Alerts", beside every investigator page: it passes axe, and an alert raised by another
/// force's push arrives in it live (over /graphql/stream with the console's session), once, linking to what
/// raised it, or as a pointer alone when that record is withheld.
/// </summary>
public sealed class AlertsRegionTests(ConsoleFixture console) : ConsoleTest(console), IClassFixture<ConsoleFixture>
{
    private ILocator Alerts => Page.GetByRole(AriaRole.Region, new() { Name = "Alerts", Exact = true });

    [Fact]
    public async Task The_alerts_region_is_on_the_search_and_entity_pages_and_axe_finds_no_violation_in_it()
    {
        await SignInAsync("cambridgeshire.investigator");
        await StartWorkAsync("Investigation", "Operation DOORSTEP, alerts accessibility check");
        await Expect(Alerts).ToBeVisibleAsync();
        await Expect(Alerts).ToHaveAttributeAsync("aria-live", "polite");
        await CheckAsync("search");

        var search = Page.GetByRole(AriaRole.Searchbox, new() { Name = "Search", Exact = true });
        await search.FillAsync("07700 900500");
        await search.PressAsync("Enter");
        await Page.GetByRole(AriaRole.Link, new() { Name = "+447700900500", Exact = true }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Region, new() { Name = "Link chart", Exact = true })).ToHaveAttributeAsync("aria-busy", "false");
        await Expect(Button("Watch")).ToBeEnabledAsync();
        await Expect(Alerts).ToBeVisibleAsync();
        await CheckAsync("entity");
    }

    [Fact]
    public async Task An_incident_another_force_pushes_on_a_watched_number_arrives_live_and_links_to_the_incident()
    {
        const string Number = "07700 900731";
        const string E164 = "+447700900731";
        var suffix = DateTime.UtcNow.ToString("HHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        var region = new Region(Service);
        await region.ReportedAsync(Force.Suffolk, AnIncident.Courier($"SF-ALERT-{suffix}", phones: [Number]));

        // The page's requests to the alert stream, and those that ended (finished or aborted).
        var streams = new ConcurrentQueue<IRequest>();
        var ended = new ConcurrentQueue<IRequest>();
        static bool Stream(IRequest r) => r.Url.EndsWith("/graphql/stream", StringComparison.Ordinal);
        Page.Request += (_, r) => { if (Stream(r)) streams.Enqueue(r); };
        Page.RequestFinished += (_, r) => { if (Stream(r)) ended.Enqueue(r); };
        Page.RequestFailed += (_, r) => { if (Stream(r)) ended.Enqueue(r); };

        await SignInAsync("suffolk.investigator");
        await StartWorkAsync("Investigation", "Operation DOORSTEP, alerts on a watched number");
        var search = Page.GetByRole(AriaRole.Searchbox, new() { Name = "Search", Exact = true });
        await search.FillAsync(Number);
        await search.PressAsync("Enter");
        await Page.GetByRole(AriaRole.Link, new() { Name = E164, Exact = true }).ClickAsync();
        await Button("Watch").ClickAsync();
        await Expect(Button("Unwatch")).ToBeEnabledAsync();
        await Expect(Alerts).ToContainTextAsync("Live:");
        Assert.Contains(streams, r => r.Method == "POST" && r.Headers.ContainsKey("x-ersou-antiforgery") && r.Headers.GetValueOrDefault("accept") == "text/event-stream");

        // Norfolk's system pushes an incident carrying the number; Hertfordshire one graded C.
        var norfolk = $"NF-ALERT-{suffix}";
        var hertfordshire = $"HC-ALERT-{suffix}";
        var norfolkId = await region.ReportedAsync(Force.Norfolk, AnIncident.Courier(norfolk, phones: [Number]));
        const string Secret = "Graded C by Hertfordshire: for Hertfordshire's eyes";
        await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(hertfordshire, phones: [Number], handling: "C", summary: Secret));

        // One NEW_LINK each (the pushes also make a match, whose alerts are of another kind).
        var newLink = Alerts.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "New link:" });
        var seen = newLink.Filter(new() { Has = Page.GetByRole(AriaRole.Link, new() { Name = $"Norfolk {norfolk}", Exact = true }) });
        await Expect(seen).ToHaveCountAsync(1);
        await Expect(seen).ToContainTextAsync($"carries {E164} (phone number), which you watch");
        var withheld = newLink.Filter(new() { HasText = $"Withheld: HERTFORDSHIRE {hertfordshire}" });
        await Expect(withheld).ToHaveCountAsync(1);
        await Expect(withheld.GetByRole(AriaRole.Link)).ToHaveCountAsync(0);
        Assert.DoesNotContain(Secret, await Page.ContentAsync(), StringComparison.Ordinal);
        await CheckAsync("entity, with alerts");
        await Screenshots.TakeAsync(Page, "alerts.png");

        // The link opens what raised it: the incident's own page.
        await seen.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"#/entity/INCIDENT/{norfolkId}$"));
        await Expect(Page.GetByRole(AriaRole.Region, new() { Name = "Link chart", Exact = true }).GetByRole(AriaRole.Button, new() { Name = norfolk, Exact = true })).ToBeVisibleAsync();

        // After a reload the alerts are read back, each once. (The browser drops the old page's stream with
        // the page, without an event for it: only the streams of this page are followed from here.)
        await Page.ReloadAsync();
        var fromHere = streams.Count;
        await Expect(seen).ToHaveCountAsync(1);
        await Expect(withheld).ToHaveCountAsync(1);

        // A new purpose follows the alerts under it: a stream with the new justification.
        await Button("Change purpose").ClickAsync();
        await StartWorkAsync("Safeguarding", "Safeguarding a victim, alerts under a new purpose");
        await Expect(Alerts).ToContainTextAsync("Live:");
        Assert.Contains(streams, r => r.PostData?.Contains("Safeguarding a victim", StringComparison.Ordinal) == true && r.PostData.Contains("SAFEGUARDING", StringComparison.Ordinal));

        // Signing out ends the stream, and no new one is opened.
        await Button("Sign out").ClickAsync();
        await Expect(Button("Sign in")).ToBeVisibleAsync();
        await Expect(Alerts).ToHaveCountAsync(0);
        var opened = streams.Skip(fromHere).ToList();
        Assert.True(opened.Count >= 2, "a stream after the reload and one under the new purpose");
        for (var waited = 0; waited < 100 && !opened.All(ended.Contains); waited++)
        {
            await Task.Delay(100);
        }

        var open = opened.Where(r => !ended.Contains(r)).Select(r => r.PostData).ToList();
        Assert.True(open.Count == 0, "alert streams still open after signing out:\n" + string.Join('\n', open));
        var all = streams.Count;
        await Task.Delay(3000);
        Assert.Equal(all, streams.Count);
    }

    private async Task CheckAsync(string screen)
    {
        var page = await Page.RunAxe();
        Assert.NotEmpty(page.Passes);
        var serious = page.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Impact} {v.Id}: {v.Help}").ToList();
        Assert.True(serious.Count == 0, $"{screen}: axe-core found serious or critical violations:\n{string.Join('\n', serious)}");

        // In the region itself, nothing at all.
        var region = await Alerts.RunAxe();
        Assert.NotEmpty(region.Passes);
        Assert.True(region.Violations.Length == 0, $"{screen}, region Alerts: {string.Join('\n', region.Violations.Select(v => $"{v.Impact} {v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}"))}");
    }
}
