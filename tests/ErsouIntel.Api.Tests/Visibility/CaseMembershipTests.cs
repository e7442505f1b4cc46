using ErsouIntel.Api.Tests.Infrastructure;
using static ErsouIntel.Api.Tests.Visibility.RegionWithACaseSharingAWithheldRecord;

namespace ErsouIntel.Api.Tests.Visibility;

/// <summary>Attaching an incident to a case opens it to every member of the case, and to no one else.</summary>
public sealed class CaseMembershipTests(RegionWithACaseSharingAWithheldRecord seeded) : IClassFixture<RegionWithACaseSharingAWithheldRecord>
{
    private readonly Region region = seeded.Region;

    public static TheoryData<string, bool> EssexInvestigators => new()
    {
        { EssexMember.Subject, true },
        { EssexOutsider.Subject, false },
    };

    [Theory]
    [MemberData(nameof(EssexInvestigators))]
    public async Task A_C_incident_attached_to_a_case_is_shown_in_full_to_its_members_only(string subject, bool member)
    {
        var investigator = Essex(subject);
        var who = $"Essex investigator {subject} (member: {member}) asking for {Attached.Reference}";

        var answer = await region.AsksAsync(investigator, ContractOperations.Incident, new { id = seeded.IdOf(Attached) });

        if (!member)
        {
            Read.AnswersAlike(await region.AsksAsync(investigator, ContractOperations.Incident, new { id = Guid.NewGuid().ToString() }), answer, who);
            return;
        }

        var incident = answer.Data?["access"]?["incident"];
        Assert.True(answer.Errors is null && incident is not null, $"{who} did not get it in full: {answer}");
        Assert.Equal(Attached.Reference, incident["forceReference"]!.GetValue<string>());
        Assert.Equal(Attached.Summary, incident["summary"]?.GetValue<string>());
        Assert.Equal("C", incident["grading"]!["handling"]!.GetValue<string>());
        Assert.Equal([seeded.CaseId], Read.Texts(incident["cases"], "id"));
    }

    public static TheoryData<string, string, bool> CaseReaders => new()
    {
        { "HERTFORDSHIRE", HertfordshireLead.Subject, true },
        { "HERTFORDSHIRE", "herts-colleague", true },
        { "ESSEX", EssexMember.Subject, true },
        { "ESSEX", EssexOutsider.Subject, false },
        { "CAMBRIDGESHIRE", "cambs-investigator", false },
    };

    [Theory]
    [MemberData(nameof(CaseReaders))]
    public async Task A_case_by_id_is_shown_to_its_members_and_lead_force_and_to_no_one_else(string force, string subject, bool sees)
    {
        var investigator = TestCaller.Investigator(ErsouIntel.Domain.Forces.FromTenantId(force), subject);
        var who = $"{force} investigator {subject} asking for the Hertfordshire case";

        var answer = await region.AsksAsync(investigator, ContractOperations.CaseTimeline, new { id = seeded.CaseId });

        if (!sees)
        {
            Read.AnswersAlike(await region.AsksAsync(investigator, ContractOperations.CaseTimeline, new { id = Guid.NewGuid().ToString() }), answer, who);
            return;
        }

        var @case = answer.Data?["access"]?["case"];
        Assert.True(answer.Errors is null && @case is not null, $"{who} could not read it: {answer}");
        Assert.Equal([Attached.Reference], Read.Texts(@case["incidents"], "forceReference"));
    }

    [Theory]
    [MemberData(nameof(EssexInvestigators))]
    public async Task A_C_incident_attached_to_a_case_is_listed_to_its_members_only(string subject, bool member)
    {
        var page = (await region.ReadsAsync(Essex(subject), ContractOperations.Incidents, new { filter = new { force = "HERTFORDSHIRE" }, first = 10 }))["incidents"]!;

        var listed = page["edges"]!.AsArray().Select(e => e!["node"]!["forceReference"]!.GetValue<string>()).ToList();
        Assert.True(listed.Contains(Attached.Reference) == member, $"Essex investigator {subject} (member: {member}) was listed: {string.Join(", ", listed)}");
    }

    [Theory]
    [MemberData(nameof(EssexInvestigators))]
    public async Task A_courier_known_only_through_the_attached_incident_is_shown_to_members_only(string subject, bool member)
    {
        var links = (await region.ReadsAsync(Essex(subject), ContractOperations.LinkedCouriers, new { phone = RegionWithWithheldRecords.Phone, hops = 1 }))["linkedCouriers"]!.AsArray();

        var liam = links.Single(l => Read.Pointers(l!["pointers"]).SequenceEqual([Attached.Locator]))!;
        Assert.True(liam["withheld"]!.GetValue<bool>() == !member, $"Essex investigator {subject} (member: {member}) got: {liam.ToJsonString()}");
        Assert.Equal(member ? seeded.CourierIdOf(RegionWithWithheldRecords.Liam) : null, liam["courier"]?["id"]?.GetValue<string>());
    }

    private static TestCaller Essex(string subject) => TestCaller.Investigator(ErsouIntel.Domain.Force.Essex, subject);
}
