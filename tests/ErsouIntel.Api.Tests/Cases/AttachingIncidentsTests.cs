using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using static ErsouIntel.Api.Tests.Cases.CaseSteps;

namespace ErsouIntel.Api.Tests.Cases;

/// <summary>
/// Starting state: Hertfordshire and Essex have each reported a P and a C incident, and each has
/// retracted one. The tests only attach them to cases of their own, so they share them safely.
/// </summary>
public sealed class IncidentsOfTwoForces : ServiceFixture
{
    public string HertfordshireP { get; private set; } = "";

    public string HertfordshireC { get; private set; } = "";

    public string HertfordshireRetracted { get; private set; } = "";

    public string EssexP { get; private set; } = "";

    public string EssexC { get; private set; } = "";

    public string EssexRetractedC { get; private set; } = "";

    protected override async Task SeedAsync()
    {
        var region = new Region(this);
        HertfordshireP = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier("HC/P/0001"));
        HertfordshireC = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier("HC/C/0001", handling: "C"));
        HertfordshireRetracted = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier("HC/R/0001"));
        await region.RetractsAsync(Force.Hertfordshire, "HC/R/0001");
        EssexP = await region.ReportedAsync(Force.Essex, AnIncident.Courier("EX-P-0001"));
        EssexC = await region.ReportedAsync(Force.Essex, AnIncident.Courier("EX-C-0001", handling: "C"));
        EssexRetractedC = await region.ReportedAsync(Force.Essex, AnIncident.Courier("EX-R-0001", handling: "C"));
        await region.RetractsAsync(Force.Essex, "EX-R-0001");
    }
}

public sealed class AttachingIncidentsTests(IncidentsOfTwoForces incidents) : IClassFixture<IncidentsOfTwoForces>
{
    private readonly Region region = new(incidents);
    private readonly TestCaller hertfordshire = Investigator(Force.Hertfordshire);

    [Fact]
    public async Task An_investigator_attaches_an_incident_of_their_own_force_graded_P()
    {
        var caseId = await region.OpensCaseAsync(hertfordshire, Unique("HC-CASE"));

        var @case = Accepted(await region.AttachesAsync(hertfordshire, caseId, incidents.HertfordshireP));

        Assert.Equal(2, @case["version"]!.GetValue<int>());
        var attached = Assert.Single(@case["incidents"]!.AsArray());
        Assert.Equal(incidents.HertfordshireP, Id(attached!));
        Assert.Equal("HERTFORDSHIRE", attached!["force"]!.GetValue<string>());
        Assert.Equal("HC/P/0001", attached["forceReference"]!.GetValue<string>());
        Assert.Equal(["HERTFORDSHIRE"], Strings(@case["forces"]));
    }

    [Fact]
    public async Task An_investigator_attaches_an_incident_of_their_own_force_graded_C()
    {
        var caseId = await region.OpensCaseAsync(hertfordshire, Unique("HC-CASE"));

        var @case = Accepted(await region.AttachesAsync(hertfordshire, caseId, incidents.HertfordshireC));

        Assert.Equal(2, @case["version"]!.GetValue<int>());
        Assert.Equal([incidents.HertfordshireC], @case["incidents"]!.AsArray().Select(i => Id(i!)));
    }

    [Fact]
    public async Task An_investigator_attaches_another_forces_incident_graded_P_and_the_case_spans_both_forces()
    {
        var caseId = await region.OpensCaseAsync(hertfordshire, Unique("HC-CASE"));

        var @case = Accepted(await region.AttachesAsync(hertfordshire, caseId, incidents.EssexP));

        Assert.Equal(2, @case["version"]!.GetValue<int>());
        var attached = Assert.Single(@case["incidents"]!.AsArray());
        Assert.Equal(incidents.EssexP, Id(attached!));
        Assert.Equal("ESSEX", attached!["force"]!.GetValue<string>());
        Assert.Equal(["ESSEX", "HERTFORDSHIRE"], Strings(@case["forces"]));
    }

    [Fact]
    public async Task Another_forces_C_incident_answers_NOT_FOUND_as_if_it_did_not_exist_and_is_not_attached()
    {
        var caseId = await region.OpensCaseAsync(hertfordshire, Unique("HC-CASE"));

        var payload = await region.AttachesAsync(hertfordshire, caseId, incidents.EssexC);

        Assert.Equal("NOT_FOUND at incidentId", Refusal(payload));
        var @case = await region.ReadsCaseAsync(hertfordshire, caseId);
        Assert.Equal(1, @case!["version"]!.GetValue<int>());
        Assert.Empty(@case["incidents"]!.AsArray());
        Assert.Equal(["HERTFORDSHIRE"], Strings(@case["forces"]));
    }

    [Theory]
    [InlineData("0197a3c1-2b7e-7c4d-9a51-3f0e2d1c4b5a")]
    [InlineData("not-an-incident-id")]
    public async Task An_unknown_incident_id_answers_NOT_FOUND_at_incidentId(string incidentId)
    {
        var caseId = await region.OpensCaseAsync(hertfordshire, Unique("HC-CASE"));

        var payload = await region.AttachesAsync(hertfordshire, caseId, incidentId);

        Assert.Equal("NOT_FOUND at incidentId", Refusal(payload));
        Assert.Equal(1, await region.VersionAsync(hertfordshire, caseId));
    }

    [Fact]
    public async Task A_retracted_incident_of_the_callers_force_answers_RETRACTED_and_is_not_attached()
    {
        var caseId = await region.OpensCaseAsync(hertfordshire, Unique("HC-CASE"));

        var payload = await region.AttachesAsync(hertfordshire, caseId, incidents.HertfordshireRetracted);

        Assert.Equal("RETRACTED at incidentId", Refusal(payload));
        var @case = await region.ReadsCaseAsync(hertfordshire, caseId);
        Assert.Equal(1, @case!["version"]!.GetValue<int>());
        Assert.Empty(@case["incidents"]!.AsArray());
    }

    [Fact]
    public async Task A_retracted_C_incident_of_another_force_answers_NOT_FOUND_not_RETRACTED()
    {
        var caseId = await region.OpensCaseAsync(hertfordshire, Unique("HC-CASE"));

        var payload = await region.AttachesAsync(hertfordshire, caseId, incidents.EssexRetractedC);

        Assert.Equal("NOT_FOUND at incidentId", Refusal(payload));
    }

    [Fact]
    public async Task Attaching_the_same_incident_twice_changes_nothing()
    {
        var caseId = await region.OpensCaseAsync(hertfordshire, Unique("HC-CASE"));
        Accepted(await region.AttachesAsync(hertfordshire, caseId, incidents.EssexP));

        var again = Accepted(await region.AttachesAsync(hertfordshire, caseId, incidents.EssexP));

        Assert.Equal(2, again["version"]!.GetValue<int>());
        Assert.Single(again["incidents"]!.AsArray());
        var timeline = await region.TimelineAsync(hertfordshire, caseId);
        Assert.Single(timeline, e => Kind(e) == "INCIDENT_ATTACHED");
    }

    [Fact]
    public async Task The_case_lists_its_lead_force_and_every_attached_incidents_force_and_every_attached_incident()
    {
        var caseId = await region.OpensCaseAsync(hertfordshire, Unique("HC-CASE"));
        Accepted(await region.AttachesAsync(hertfordshire, caseId, incidents.EssexP));
        Accepted(await region.AttachesAsync(hertfordshire, caseId, incidents.HertfordshireC));

        var @case = await region.ReadsCaseAsync(hertfordshire, caseId);

        Assert.Equal(3, @case!["version"]!.GetValue<int>());
        Assert.Equal(["ESSEX", "HERTFORDSHIRE"], Strings(@case["forces"]));
        Assert.Equal(new[] { incidents.EssexP, incidents.HertfordshireC }.Order(StringComparer.Ordinal), @case["incidents"]!.AsArray().Select(i => Id(i!)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_case_led_by_one_force_holding_only_another_forces_incident_still_lists_the_lead_force()
    {
        var essex = Investigator(Force.Essex);
        var caseId = await region.OpensCaseAsync(essex, Unique("EX-CASE"));

        var @case = Accepted(await region.AttachesAsync(essex, caseId, incidents.HertfordshireP));

        Assert.Equal(["ESSEX", "HERTFORDSHIRE"], Strings(@case["forces"]));
    }

    [Fact]
    public async Task An_owning_force_member_attaches_its_C_incident_and_the_other_forces_members_then_see_it_in_full()
    {
        var caseId = await region.OpensCaseAsync(hertfordshire, Unique("HC-CASE"));
        var essex = Investigator(Force.Essex);
        Accepted(await region.AddsMemberAsync(hertfordshire, caseId, essex.Subject));

        Accepted(await region.AttachesAsync(essex, caseId, incidents.EssexC));

        var @case = await region.ReadsCaseAsync(hertfordshire, caseId);
        var attached = Assert.Single(@case!["incidents"]!.AsArray());
        Assert.Equal(incidents.EssexC, Id(attached!));
        Assert.Equal("EX-C-0001", attached!["forceReference"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_caller_who_cannot_see_the_case_learns_nothing_about_whether_an_incident_id_exists()
    {
        var caseId = await region.OpensCaseAsync(hertfordshire, Unique("HC-CASE"));
        var norfolk = Investigator(Force.Norfolk);

        var existing = await region.AttachesAsync(norfolk, caseId, incidents.EssexC);
        var unknown = await region.AttachesAsync(norfolk, caseId, Guid.NewGuid().ToString());

        Assert.Equal("NOT_FOUND at caseId", Refusal(existing));
        Assert.Equal(Refusal(existing), Refusal(unknown));
    }

    [Theory]
    [InlineData("a case the caller cannot see", "NOT_FOUND at caseId")]
    [InlineData("a stale expected version", "VERSION_CONFLICT at expectedVersion")]
    [InlineData("a closed case", "CASE_CLOSED at caseId")]
    public async Task An_attach_of_an_unknown_incident_is_answered_about_the_case_first(string problem, string expected)
    {
        var caseId = await region.OpensCaseAsync(hertfordshire, Unique("HC-CASE"));
        var caller = hertfordshire;
        int? expectedVersion = null;
        switch (problem)
        {
            case "a case the caller cannot see":
                caller = Investigator(Force.Norfolk);
                break;
            case "a stale expected version":
                Accepted(await region.AddsNoteAsync(hertfordshire, caseId, "Moves the case to version 2"));
                expectedVersion = 1;
                break;
            default:
                Accepted(await region.ClosesAsync(hertfordshire, caseId));
                break;
        }

        var payload = await region.AttachesAsync(caller, caseId, Guid.NewGuid().ToString(), expectedVersion);

        Assert.Equal(expected, Refusal(payload));
    }

    [Fact]
    public async Task An_investigator_of_another_force_who_is_not_a_member_cannot_attach_and_gets_NOT_FOUND_at_caseId()
    {
        var caseId = await region.OpensCaseAsync(hertfordshire, Unique("HC-CASE"));

        var payload = await region.AttachesAsync(Investigator(Force.Norfolk), caseId, incidents.EssexP);

        Assert.Equal("NOT_FOUND at caseId", Refusal(payload));
        Assert.Null(payload["case"]);
        Assert.Equal(1, await region.VersionAsync(hertfordshire, caseId));
    }
}
