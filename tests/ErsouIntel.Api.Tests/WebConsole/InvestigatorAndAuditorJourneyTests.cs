using System.Globalization;
using ErsouIntel.Api.Tests.WebConsole.Browser;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Incidents;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ErsouIntel.Api.Tests.WebConsole;

/// <summary>
/// Issue 17's story in a real browser, by the page's accessible names only: a Cambridgeshire investigator
/// follows the news report's boiler-room number through the demo intelligence, exports the chart, opens a
/// case and reads it as it stood earlier; the region's auditor then finds those reads in the access log
/// and verifies the log.
/// </summary>
public sealed class InvestigatorAndAuditorJourneyTests(ConsoleFixture console) : ConsoleTest(console), IClassFixture<ConsoleFixture>
{
    private const string BoilerRoom = "+447700900500";
    private const string OxheyIncident = "HC/2024/0311";
    private const string RickmansworthPointer = "Withheld: HERTFORDSHIRE HC/2024/0318";
    private const string SharedCar = "KX21ABC";

    [Fact]
    public async Task An_investigator_follows_the_boiler_room_to_the_shared_car_and_a_case_and_the_auditor_finds_and_verifies_those_reads()
    {
        var why = $"Operation DOORSTEP, browser journey {Guid.NewGuid():N}"[..44];
        var reference = $"CAM-E2E-{DateTime.UtcNow:HHmmssfff}";

        await SignInAsync("cambridgeshire.investigator");
        await StartWorkAsync("Investigation", why);

        // Search, then the number's own page.
        var search = Page.GetByRole(AriaRole.Searchbox, new() { Name = "Search", Exact = true });
        await search.FillAsync("07700 900500");
        await search.PressAsync("Enter");
        await Page.GetByRole(AriaRole.Link, new() { Name = BoilerRoom, Exact = true }).ClickAsync();

        // The chart: Hertfordshire's record graded C is a pointer and nothing more, here as anywhere on the page.
        var chart = Page.GetByRole(AriaRole.Region, new() { Name = "Link chart", Exact = true });
        await Expect(Node(chart, RickmansworthPointer)).ToBeVisibleAsync();
        await Expect(chart).ToHaveAttributeAsync("aria-busy", "false");
        var html = await Page.ContentAsync();
        foreach (var secret in new[] { "Rickmansworth", "Ravi Dunn", "PIN and account details", "1999-11-02" })
        {
            Assert.DoesNotContain(secret, html, StringComparison.OrdinalIgnoreCase);
        }

        // Select the Oxhey incident and expand it: its courier and car join the chart.
        await Node(chart, OxheyIncident).ClickAsync();
        await Expect(Node(chart, OxheyIncident)).ToHaveAttributeAsync("aria-pressed", "true");
        await Button("Expand").ClickAsync();
        await Expect(Node(chart, SharedCar)).ToBeVisibleAsync();
        await Expect(Node(chart, "Jay Holt")).ToBeVisibleAsync();

        // The number and the shared car: the path between them is highlighted.
        await Node(chart, BoilerRoom).ClickAsync();
        await Node(chart, SharedCar).ClickAsync(new() { Modifiers = [KeyboardModifier.Shift] });
        await Expect(Node(chart, BoilerRoom)).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(Node(chart, SharedCar)).ToHaveAttributeAsync("aria-pressed", "true");
        await Button("Show path").ClickAsync();
        await Expect(Node(chart, SharedCar)).ToHaveAttributeAsync("aria-current", "true");
        await Expect(Node(chart, OxheyIncident)).ToHaveAttributeAsync("aria-current", "true");
        await Expect(chart).ToHaveAttributeAsync("aria-busy", "false");
        await Screenshots.TakeAsync(Page, "chart.png");

        // Export CSV: a file of what the chart shows, pointers as pointers.
        var download = await Page.RunAndWaitForDownloadAsync(() => Button("Export CSV").ClickAsync());
        var csv = await File.ReadAllTextAsync(await download.PathAsync());
        var rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("record,id,kind,label,withheld", rows[0], StringComparison.Ordinal);
        Assert.Contains(rows, r => r.StartsWith("node,", StringComparison.Ordinal) && r.Contains($",'{BoilerRoom},", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains($",VEHICLE,{SharedCar},", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains(",INCIDENT,HERTFORDSHIRE HC/2024/0318,true,", StringComparison.Ordinal));
        Assert.DoesNotContain("Ravi", csv, StringComparison.Ordinal);

        // A case of the investigator's own, and its timeline as it stood before a note was added.
        await Page.GetByRole(AriaRole.Link, new() { Name = "Cases", Exact = true }).ClickAsync();
        await Textbox("Reference").FillAsync(reference);
        await Textbox("Title").FillAsync("Boiler-room number seen from Cambridgeshire");
        await Button("Open case").ClickAsync();
        var timeline = Page.GetByRole(AriaRole.Region, new() { Name = "Timeline", Exact = true });
        await Expect(timeline.GetByRole(AriaRole.Cell, new() { Name = "Case opened" })).ToBeVisibleAsync();
        var caseId = Page.Url.Split('/')[^1];

        await Task.Delay(1100);
        var before = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        await Task.Delay(1100);
        const string Note = "Ask Hertfordshire for the Rickmansworth record behind the pointer.";
        await Textbox("Note").FillAsync(Note);
        await Button("Add note").ClickAsync();
        await Expect(timeline).ToContainTextAsync(Note);

        await Textbox("As of").FillAsync(before);
        await Textbox("As of").PressAsync("Enter");
        await Expect(timeline).ToContainTextAsync($"As the service knew it at {before}");
        await Expect(timeline.GetByRole(AriaRole.Cell, new() { Name = "Case opened" })).ToBeVisibleAsync();
        await Expect(timeline).Not.ToContainTextAsync(Note);
        await Button("Sign out").ClickAsync();
        await Expect(Button("Sign in")).ToBeVisibleAsync();

        // The auditor: the Oxhey record was disclosed to Cambridgeshire, by the chart and by the export.
        await SignInAsync("region.auditor");
        var oxhey = Incident.IdFor(Force.Hertfordshire, OxheyIncident).ToString("D");
        await Textbox("Record id").FillAsync(oxhey);
        await Textbox("Record id").PressAsync("Enter");
        var reads = Page.GetByRole(AriaRole.Row).Filter(new() { HasText = why });
        await Expect(reads.Filter(new() { HasText = "Export CSV" })).ToHaveCountAsync(1);
        await Expect(reads.First).ToContainTextAsync("cambridgeshire.investigator");
        await Expect(reads.First).ToContainTextAsync("Disclosure", new() { IgnoreCase = true });
        await Expect(reads.First).ToContainTextAsync("Investigation");
        Assert.True(await reads.CountAsync() >= 3, "the search, the chart, the expand and the path each read the Oxhey record");

        // The case's own entries are there by its id too.
        await Textbox("Record id").FillAsync(caseId);
        await Textbox("Record id").PressAsync("Enter");
        await Expect(Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Collection" }).Filter(new() { HasText = why })).ToHaveCountAsync(1);

        await Button("Verify").ClickAsync();
        var verification = Page.GetByRole(AriaRole.Status, new() { Name = "Verification", Exact = true });
        await Expect(verification).ToContainTextAsync("Valid");
        var checkedCount = int.Parse(System.Text.RegularExpressions.Regex.Match(await verification.InnerTextAsync(), @"([\d,]+) entries checked").Groups[1].Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
        Assert.True(checkedCount > 20, $"every entry of the log is checked, the seed's included: {checkedCount}");

        // The picture for docs/console.md: the Oxhey record's reads, verified.
        await Textbox("Record id").FillAsync(oxhey);
        await Textbox("Record id").PressAsync("Enter");
        await Expect(reads.Filter(new() { HasText = "Export CSV" })).ToHaveCountAsync(1);
        await Expect(Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "CaseTimeline" })).ToHaveCountAsync(0);
        await Screenshots.TakeAsync(Page, "access-log.png");
    }

    private static ILocator Node(ILocator chart, string name) => chart.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });
}
