using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using static ErsouIntel.Api.Tests.Cases.CaseSteps;

namespace ErsouIntel.Api.Tests.Cases;

public sealed class ClosingCasesTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private readonly Region region = new(service);
    private readonly TestCaller investigator = Investigator(Force.Bedfordshire);

    [Fact]
    public async Task A_closed_case_shows_CLOSED_at_the_next_version()
    {
        var caseId = await region.OpensCaseAsync(investigator, Unique("BD-CASE"));

        var closed = Accepted(await region.ClosesAsync(investigator, caseId, "Suspects charged"));

        Assert.Equal("CLOSED", closed["status"]!.GetValue<string>());
        Assert.Equal(2, closed["version"]!.GetValue<int>());
        var @case = await region.ReadsCaseAsync(investigator, caseId);
        Assert.Equal("CLOSED", @case!["status"]!.GetValue<string>());
        var entry = Assert.Single(Entries(@case), e => Kind(e) == "CASE_CLOSED");
        Assert.Contains("Suspects charged", entry["summary"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("attach")]
    [InlineData("note")]
    [InlineData("member")]
    [InlineData("close")]
    public async Task A_change_to_a_closed_case_gets_CASE_CLOSED_and_changes_nothing(string change)
    {
        var caseId = await region.OpensCaseAsync(investigator, Unique("BD-CASE"));
        Accepted(await region.ClosesAsync(investigator, caseId));
        var incidentId = await region.ReportedAsync(Force.Bedfordshire, AnIncident.Courier(Unique("BD")));
        var before = await region.TimelineAsync(investigator, caseId);
        var newcomer = Investigator(Force.Norfolk);

        JsonNode payload = change switch
        {
            "attach" => await region.AttachesAsync(investigator, caseId, incidentId),
            "note" => await region.AddsNoteAsync(investigator, caseId, "A late note"),
            "member" => await region.AddsMemberAsync(investigator, caseId, newcomer.Subject),
            _ => await region.ClosesAsync(investigator, caseId, "Closed again"),
        };

        Assert.Equal("CASE_CLOSED at caseId", Refusal(payload));
        var @case = await region.ReadsCaseAsync(investigator, caseId, first: 200);
        Assert.Equal(2, @case!["version"]!.GetValue<int>());
        Assert.Equal("CLOSED", @case["status"]!.GetValue<string>());
        Assert.Empty(@case["incidents"]!.AsArray());
        Assert.Equal(before.Select(e => e.ToJsonString()), Entries(@case).Select(e => e.ToJsonString()));
        Assert.Null(await region.ReadsCaseAsync(newcomer, caseId));
    }

    [Fact]
    public async Task A_closed_case_can_still_be_read_by_its_members()
    {
        var caseId = await region.OpensCaseAsync(investigator, Unique("BD-CASE"));
        var essex = Investigator(Force.Essex);
        Accepted(await region.AddsMemberAsync(investigator, caseId, essex.Subject));
        Accepted(await region.ClosesAsync(investigator, caseId));

        var @case = await region.ReadsCaseAsync(essex, caseId);

        Assert.Equal("CLOSED", @case!["status"]!.GetValue<string>());
    }
}
