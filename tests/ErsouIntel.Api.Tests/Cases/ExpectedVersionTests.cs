using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using static ErsouIntel.Api.Tests.Cases.CaseSteps;

namespace ErsouIntel.Api.Tests.Cases;

/// <summary>
/// <c>expectedVersion</c> on <c>attachIncidentToCase</c>, <c>addCaseNote</c> and <c>closeCase</c>:
/// a stale one gets VERSION_CONFLICT and writes nothing; the right one is applied.
/// </summary>
public sealed class ExpectedVersionTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    public const string Attach = "attach";
    public const string Note = "note";
    public const string Close = "close";

    private readonly Region region = new(service);
    private readonly TestCaller investigator = Investigator(Force.Cambridgeshire);

    [Theory]
    [InlineData(Attach)]
    [InlineData(Note)]
    [InlineData(Close)]
    public async Task A_change_made_on_a_stale_version_gets_VERSION_CONFLICT_and_changes_nothing(string change)
    {
        var caseId = await region.OpensCaseAsync(investigator, Unique("CB-CASE"));
        // Someone else moved the case on to version 2 after this caller loaded version 1.
        Accepted(await region.AddsNoteAsync(Investigator(Force.Cambridgeshire), caseId, "Spoke to the victim's bank"));
        var before = await region.TimelineAsync(investigator, caseId);

        var payload = await ChangeAsync(change, caseId, expectedVersion: 1);

        Assert.Equal("VERSION_CONFLICT at expectedVersion", Refusal(payload));
        var @case = await region.ReadsCaseAsync(investigator, caseId, first: 200);
        Assert.Equal(2, @case!["version"]!.GetValue<int>());
        Assert.Equal("OPEN", @case["status"]!.GetValue<string>());
        Assert.Empty(@case["incidents"]!.AsArray());
        Assert.Equal(before.Select(e => e.ToJsonString()), Entries(@case).Select(e => e.ToJsonString()));
    }

    [Theory]
    [InlineData(Attach)]
    [InlineData(Note)]
    [InlineData(Close)]
    public async Task A_change_made_on_a_version_from_the_future_gets_VERSION_CONFLICT(string change)
    {
        var caseId = await region.OpensCaseAsync(investigator, Unique("CB-CASE"));

        var payload = await ChangeAsync(change, caseId, expectedVersion: 5);

        Assert.Equal("VERSION_CONFLICT at expectedVersion", Refusal(payload));
        Assert.Equal(1, await region.VersionAsync(investigator, caseId));
    }

    [Theory]
    [InlineData(Attach, "INCIDENT_ATTACHED")]
    [InlineData(Note, "NOTE_ADDED")]
    [InlineData(Close, "CASE_CLOSED")]
    public async Task A_change_made_on_the_current_version_is_applied_and_moves_the_version_on_by_one(string change, string entry)
    {
        var caseId = await region.OpensCaseAsync(investigator, Unique("CB-CASE"));
        Accepted(await region.AddsNoteAsync(investigator, caseId, "First note"));

        var @case = Accepted(await ChangeAsync(change, caseId, expectedVersion: 2));

        Assert.Equal(3, @case["version"]!.GetValue<int>());
        Assert.Equal(3, await region.VersionAsync(investigator, caseId));
        Assert.Contains(await region.TimelineAsync(investigator, caseId), e => Kind(e) == entry && !e["summary"]!.GetValue<string>().Contains("First note", StringComparison.Ordinal));
    }

    private async Task<JsonNode> ChangeAsync(string change, string caseId, int expectedVersion)
    {
        switch (change)
        {
            case Attach:
                var incidentId = await region.ReportedAsync(Force.Cambridgeshire, AnIncident.Courier(Unique("CB")));
                return await region.AttachesAsync(investigator, caseId, incidentId, expectedVersion);
            case Note:
                return await region.AddsNoteAsync(investigator, caseId, Unique("A note written on an old page"), expectedVersion);
            default:
                return await region.ClosesAsync(investigator, caseId, expectedVersion: expectedVersion);
        }
    }
}
