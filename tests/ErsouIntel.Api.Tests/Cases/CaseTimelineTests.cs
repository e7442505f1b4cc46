using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using static ErsouIntel.Api.Tests.Cases.CaseSteps;

namespace ErsouIntel.Api.Tests.Cases;

public sealed class CaseTimelineTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private const string OccurredAt = "2024-03-12T14:05:00Z";

    private readonly Region region = new(service);
    private readonly TestCaller investigator = Investigator(Force.Hertfordshire);

    [Fact]
    public async Task The_timeline_tells_the_story_in_the_order_things_happened_with_the_incident_before_the_case()
    {
        var reference = Unique("HC");
        var incidentId = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(reference, occurredAt: OccurredAt));
        var caseId = await region.OpensCaseAsync(investigator, Unique("HC-CASE"), "Doorstep couriers in Watford");
        Accepted(await region.AttachesAsync(investigator, caseId, incidentId));
        Accepted(await region.AddsNoteAsync(investigator, caseId, "Victim's bank has frozen the card"));
        Accepted(await region.ClosesAsync(investigator, caseId, "Courier charged"));

        var timeline = await region.TimelineAsync(investigator, caseId);

        Assert.Equal(["INCIDENT_OCCURRED", "CASE_OPENED", "INCIDENT_ATTACHED", "NOTE_ADDED", "CASE_CLOSED"], timeline.Select(Kind));
        var occurred = timeline[0];
        Assert.Equal(DateTimeOffset.Parse(OccurredAt, System.Globalization.CultureInfo.InvariantCulture), Time(occurred, "at"));
        Assert.Equal(incidentId, Id(occurred["incident"]!));
        Assert.Equal(reference, occurred["incident"]!["forceReference"]!.GetValue<string>());
        Assert.Equal("HERTFORDSHIRE", occurred["force"]!.GetValue<string>());
        Assert.StartsWith($"Courier fraud reported by Hertfordshire as {reference}: ", occurred["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal($"Hertfordshire incident {reference} attached", timeline[2]["summary"]!.GetValue<string>());
        Assert.True(Time(occurred, "at") < Time(timeline[1], "at"), "the incident occurred before the case was opened");
        Assert.Equal(incidentId, Id(timeline[2]["incident"]!));
        Assert.Equal("Victim's bank has frozen the card", timeline[3]["summary"]!.GetValue<string>());
        AssertOrderedByAt(timeline);
    }

    [Fact]
    public async Task No_entry_is_recorded_before_it_happened_and_the_incident_is_recorded_when_reported_not_when_it_occurred()
    {
        var incidentId = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(Unique("HC")));
        var caseId = await region.OpensCaseAsync(investigator, Unique("HC-CASE"));
        Accepted(await region.AttachesAsync(investigator, caseId, incidentId));

        var timeline = await region.TimelineAsync(investigator, caseId);

        var occurred = Assert.Single(timeline, e => Kind(e) == "INCIDENT_OCCURRED");
        Assert.True(Time(occurred, "recordedAt") > Time(occurred, "at"), occurred.ToJsonString());
        Assert.All(timeline, e => Assert.True(Time(e, "recordedAt") >= Time(e, "at"), e.ToJsonString()));
    }

    [Fact]
    public async Task As_of_a_moment_before_an_amendment_the_timeline_shows_the_incident_as_first_reported()
    {
        var reference = Unique("HC");
        var first = Unique("First account: courier in a grey hoodie");
        var second = Unique("Second account: courier in a green coat");
        var incidentId = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(reference, summary: first));
        var caseId = await region.OpensCaseAsync(investigator, Unique("HC-CASE"));
        Accepted(await region.AttachesAsync(investigator, caseId, incidentId));
        var moment = (await region.TimelineAsync(investigator, caseId)).Max(e => Time(e, "recordedAt"));
        var amended = await region.ReportsAsync(Force.Hertfordshire, AnIncident.Courier(reference, summary: second));
        Assert.Equal("AMENDED", amended["outcome"]!.GetValue<string>());

        var then = await region.TimelineAsync(investigator, caseId, asOf: moment);
        var now = await region.TimelineAsync(investigator, caseId);

        Assert.Equal(["INCIDENT_OCCURRED", "CASE_OPENED", "INCIDENT_ATTACHED"], then.Select(Kind));
        var occurredThen = then[0]["summary"]!.GetValue<string>();
        Assert.Contains(first, occurredThen, StringComparison.Ordinal);
        Assert.DoesNotContain(second, occurredThen, StringComparison.Ordinal);

        Assert.Equal(["INCIDENT_OCCURRED", "CASE_OPENED", "INCIDENT_ATTACHED", "INCIDENT_AMENDED"], now.Select(Kind));
        var occurredNow = now[0]["summary"]!.GetValue<string>();
        Assert.Contains(second, occurredNow, StringComparison.Ordinal);
        Assert.DoesNotContain(first, occurredNow, StringComparison.Ordinal);
        Assert.Equal(incidentId, Id(now[3]["incident"]!));
    }

    [Fact]
    public async Task As_of_a_moment_the_timeline_leaves_out_the_notes_added_after_it()
    {
        var caseId = await region.OpensCaseAsync(investigator, Unique("HC-CASE"));
        Accepted(await region.AddsNoteAsync(investigator, caseId, "Before: victim interviewed"));
        var moment = (await region.TimelineAsync(investigator, caseId)).Max(e => Time(e, "recordedAt"));
        Accepted(await region.AddsNoteAsync(investigator, caseId, "After: CCTV requested"));
        Accepted(await region.AddsNoteAsync(investigator, caseId, "After: bank contacted"));

        var then = await region.TimelineAsync(investigator, caseId, asOf: moment);
        var now = await region.TimelineAsync(investigator, caseId);

        Assert.Equal(["Before: victim interviewed"], then.Where(e => Kind(e) == "NOTE_ADDED").Select(e => e["summary"]!.GetValue<string>()));
        Assert.Equal(
            ["Before: victim interviewed", "After: CCTV requested", "After: bank contacted"],
            now.Where(e => Kind(e) == "NOTE_ADDED").Select(e => e["summary"]!.GetValue<string>()));
    }

    [Fact]
    public async Task As_of_a_moment_before_an_incident_was_attached_the_timeline_holds_neither_the_attachment_nor_the_incident()
    {
        var incidentId = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(Unique("HC")));
        var caseId = await region.OpensCaseAsync(investigator, Unique("HC-CASE"));
        var moment = (await region.TimelineAsync(investigator, caseId)).Max(e => Time(e, "recordedAt"));
        Accepted(await region.AttachesAsync(investigator, caseId, incidentId));

        var then = await region.TimelineAsync(investigator, caseId, asOf: moment);

        Assert.Equal(["CASE_OPENED"], then.Select(Kind));
    }

    [Fact]
    public async Task An_attached_incident_later_retracted_shows_INCIDENT_RETRACTED_on_the_timeline()
    {
        var reference = Unique("HC");
        var incidentId = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(reference));
        var caseId = await region.OpensCaseAsync(investigator, Unique("HC-CASE"));
        Accepted(await region.AttachesAsync(investigator, caseId, incidentId));
        var moment = (await region.TimelineAsync(investigator, caseId)).Max(e => Time(e, "recordedAt"));

        await region.RetractsAsync(Force.Hertfordshire, reference, "Duplicate of another report");

        var now = await region.TimelineAsync(investigator, caseId);
        var retracted = Assert.Single(now, e => Kind(e) == "INCIDENT_RETRACTED");
        Assert.Equal(incidentId, Id(retracted["incident"]!));
        Assert.DoesNotContain(await region.TimelineAsync(investigator, caseId, asOf: moment), e => Kind(e) == "INCIDENT_RETRACTED");
    }

    [Fact]
    public async Task Paging_through_the_timeline_two_at_a_time_walks_every_entry_once_in_order()
    {
        var incidentId = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(Unique("HC")));
        var caseId = await region.OpensCaseAsync(investigator, Unique("HC-CASE"));
        Accepted(await region.AttachesAsync(investigator, caseId, incidentId));
        for (var i = 1; i <= 6; i++)
        {
            Accepted(await region.AddsNoteAsync(investigator, caseId, $"Note {i}"));
        }

        var whole = await region.TimelineAsync(investigator, caseId);
        var walked = new List<JsonNode>();
        var cursors = new HashSet<string>(StringComparer.Ordinal);
        string? after = null;
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages < 20, "paging did not come to an end");
            var page = await region.ReadsCaseAsync(investigator, caseId, first: 2, after: after);
            var edges = page!["timeline"]!["edges"]!.AsArray();
            Assert.True(edges.Count <= 2, page.ToJsonString());
            foreach (var edge in edges)
            {
                Assert.True(cursors.Add(edge!["cursor"]!.GetValue<string>()), "a cursor came back twice");
                walked.Add(edge["node"]!);
            }

            var info = page["timeline"]!["pageInfo"]!;
            if (!info["hasNextPage"]!.GetValue<bool>())
            {
                break;
            }

            after = info["endCursor"]!.GetValue<string>();
        }

        Assert.Equal(9, whole.Count);
        Assert.Equal(whole.Select(e => e.ToJsonString()), walked.Select(e => e.ToJsonString()));
    }

    private static void AssertOrderedByAt(IReadOnlyList<JsonNode> timeline)
    {
        for (var i = 1; i < timeline.Count; i++)
        {
            Assert.True(Time(timeline[i - 1], "at") <= Time(timeline[i], "at"), $"entry {i - 1} comes after entry {i}: {string.Join(", ", timeline.Select(e => e.ToJsonString()))}");
        }
    }
}
