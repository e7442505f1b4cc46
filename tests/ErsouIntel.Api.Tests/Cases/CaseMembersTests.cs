using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using static ErsouIntel.Api.Tests.Cases.CaseSteps;

namespace ErsouIntel.Api.Tests.Cases;

public sealed class CaseMembersTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private readonly Region region = new(service);
    private readonly TestCaller lead = Investigator(Force.Hertfordshire);

    [Fact]
    public async Task An_investigator_of_another_force_sees_the_case_once_added_as_a_member()
    {
        var caseId = await region.OpensCaseAsync(lead, Unique("HC-CASE"));
        var essex = Investigator(Force.Essex);
        Assert.Null(await region.ReadsCaseAsync(essex, caseId));

        var added = Accepted(await region.AddsMemberAsync(lead, caseId, essex.Subject));

        Assert.Equal(2, added["version"]!.GetValue<int>());
        var seen = await region.ReadsCaseAsync(essex, caseId);
        Assert.NotNull(seen);
        Assert.Equal(caseId, Id(seen));
        Assert.Equal("HERTFORDSHIRE", seen["leadForce"]!.GetValue<string>());
        Assert.Contains(Entries(seen), e => Kind(e) == "CASE_OPENED");
    }

    [Fact]
    public async Task An_investigator_of_another_force_who_is_not_a_member_gets_no_case()
    {
        var caseId = await region.OpensCaseAsync(lead, Unique("HC-CASE"));
        Accepted(await region.AddsMemberAsync(lead, caseId, Investigator(Force.Essex).Subject));

        var answer = await region.AsksAsync(Investigator(Force.Essex), ContractOperations.CaseTimeline, new { id = caseId });

        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
        Assert.Null(answer.Data!["access"]!["case"]);
    }

    [Fact]
    public async Task Another_investigator_of_the_lead_force_sees_the_case_without_being_a_member()
    {
        var caseId = await region.OpensCaseAsync(lead, Unique("HC-CASE"));

        var seen = await region.ReadsCaseAsync(Investigator(Force.Hertfordshire), caseId);

        Assert.Equal(caseId, Id(seen!));
    }

    [Fact]
    public async Task Adding_the_same_member_twice_changes_nothing()
    {
        var caseId = await region.OpensCaseAsync(lead, Unique("HC-CASE"));
        var essex = Investigator(Force.Essex);
        Accepted(await region.AddsMemberAsync(lead, caseId, essex.Subject));

        var again = Accepted(await region.AddsMemberAsync(lead, caseId, essex.Subject));

        Assert.Equal(2, again["version"]!.GetValue<int>());
        Assert.Equal(2, await region.VersionAsync(lead, caseId));
    }

    [Fact]
    public async Task A_member_from_another_force_may_work_the_case_and_add_further_members()
    {
        var caseId = await region.OpensCaseAsync(lead, Unique("HC-CASE"));
        var essex = Investigator(Force.Essex);
        var suffolk = Investigator(Force.Suffolk);
        Accepted(await region.AddsMemberAsync(lead, caseId, essex.Subject));

        Accepted(await region.AddsNoteAsync(essex, caseId, "Essex has a matching courier description"));
        Accepted(await region.AddsMemberAsync(essex, caseId, suffolk.Subject));

        Assert.NotNull(await region.ReadsCaseAsync(suffolk, caseId));
        var note = Assert.Single(await region.TimelineAsync(lead, caseId), e => Kind(e) == "NOTE_ADDED");
        Assert.Equal("ESSEX", note["force"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_member_from_another_force_sees_the_lead_forces_C_incident_attached_to_the_case_in_full()
    {
        var reference = Unique("HC");
        var incidentId = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(reference, handling: "C"));
        var caseId = await region.OpensCaseAsync(lead, Unique("HC-CASE"));
        Accepted(await region.AttachesAsync(lead, caseId, incidentId));
        var essex = Investigator(Force.Essex);
        Accepted(await region.AddsMemberAsync(lead, caseId, essex.Subject));

        var seen = await region.ReadsCaseAsync(essex, caseId);

        var attached = Assert.Single(seen!["incidents"]!.AsArray());
        Assert.Equal(incidentId, Id(attached!));
        Assert.Equal(reference, attached!["forceReference"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_non_member_of_another_force_cannot_add_members_and_gets_NOT_FOUND_at_caseId()
    {
        var caseId = await region.OpensCaseAsync(lead, Unique("HC-CASE"));
        var norfolk = Investigator(Force.Norfolk);

        var payload = await region.AddsMemberAsync(norfolk, caseId, norfolk.Subject);

        Assert.Equal("NOT_FOUND at caseId", Refusal(payload));
        Assert.Null(payload["case"]);
        Assert.Null(await region.ReadsCaseAsync(norfolk, caseId));
        Assert.Equal(1, await region.VersionAsync(lead, caseId));
    }
}
