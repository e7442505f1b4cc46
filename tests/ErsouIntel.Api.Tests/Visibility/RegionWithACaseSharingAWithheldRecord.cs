using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Tests.Visibility;

/// <summary>
/// The region of <see cref="RegionWithWithheldRecords"/>, and then: a Hertfordshire investigator
/// opens a case, attaches Hertfordshire's C incident and makes one Essex investigator a member.
/// </summary>
public sealed class RegionWithACaseSharingAWithheldRecord : RegionWithWithheldRecords
{
    public static TestCaller HertfordshireLead { get; } = TestCaller.Investigator(Force.Hertfordshire, "herts-case-lead");

    public static TestCaller EssexMember { get; } = TestCaller.Investigator(Force.Essex, "essex-case-member");

    public static TestCaller EssexOutsider { get; } = TestCaller.Investigator(Force.Essex, "essex-outsider");

    public static SeededIncident Attached => Seeded(Force.Hertfordshire, "C");

    public string CaseId { get; private set; } = "";

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        CaseId = await Region.OpensCaseAsync(HertfordshireLead, "HER-OP-DOORSTEP");
        var attached = await Region.ChangesCaseAsync(HertfordshireLead, ContractOperations.AttachIncident, new { caseId = CaseId, incidentId = IdOf(Attached) });
        Assert.True(attached["errors"]!.AsArray().Count == 0, attached.ToJsonString());
        var added = await Region.ChangesCaseAsync(HertfordshireLead, ContractOperations.AddCaseMember, new { caseId = CaseId, username = EssexMember.Subject });
        Assert.True(added["errors"]!.AsArray().Count == 0, added.ToJsonString());
    }
}
