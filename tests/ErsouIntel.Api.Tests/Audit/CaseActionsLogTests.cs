using ErsouIntel.Api.Identity;
using ErsouIntel.Api.Tests.Cases;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using Microsoft.Extensions.DependencyInjection;
using static ErsouIntel.Api.Tests.Audit.AccessLogSteps;
using static ErsouIntel.Api.Tests.Cases.CaseSteps;

namespace ErsouIntel.Api.Tests.Audit;

/// <summary>
/// Every action on a case is logged with the case's purpose and justification, or the action's own, so that
/// "why was our record combined into their case" has an answer; adding a member discloses what it opens to them.
/// </summary>
public sealed class CaseActionsLogTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private readonly Region region = new(service);

    private const string Why = "Linking the Watford doorstep couriers to the Chelmsford series";

    [Fact]
    public async Task Opening_a_case_is_a_collection_with_its_purpose_and_justification_and_each_later_action_carries_them_or_its_own()
    {
        var hertfordshire = Investigator(Force.Hertfordshire);
        var caseId = "";
        var opened = await service.LoggedWhileAsync(async () =>
            caseId = Id(Accepted(await region.OpensWithReasonsAsync(hertfordshire, Unique("HC-CASE"), "Doorstep couriers", "SAFEGUARDING", Why))));
        const string own = "Recording what the victim's daughter told the officer";

        var noted = await service.LoggedWhileAsync(async () =>
            Accepted(await region.ChangesWithAsync(hertfordshire, CaseReasonSteps.AddCaseNoteWithReason, "addCaseNote", new { caseId, text = "Spoke to the daughter", justification = own })));
        var closed = await service.LoggedWhileAsync(async () => Accepted(await region.ClosesAsync(hertfordshire, caseId)));

        var collection = Assert.Single(opened);
        Assert.Equal(("COLLECTION", "SAFEGUARDING", Why), (collection.Kind, collection.Purpose, collection.Justification));
        var note = Assert.Single(noted);
        Assert.Equal(("ALTERATION", "SAFEGUARDING", own), (note.Kind, note.Purpose, note.Justification));
        var close = Assert.Single(closed);
        Assert.Equal(("ALTERATION", "SAFEGUARDING", Why), (close.Kind, close.Purpose, close.Justification));
    }

    [Fact]
    public async Task A_case_opened_without_reasons_logs_its_actions_for_investigation_with_its_title()
    {
        var essex = Investigator(Force.Essex);
        var caseId = "";

        var opened = await service.LoggedWhileAsync(async () => caseId = await region.OpensCaseAsync(essex, Unique("EX-CASE"), "Doorstep couriers in Chelmsford"));
        var joined = await service.LoggedWhileAsync(async () => Accepted(await region.AddsMemberAsync(essex, caseId, Unique("essex-analyst"))));

        Assert.All([.. opened, .. joined], e => Assert.Equal(("INVESTIGATION", "Doorstep couriers in Chelmsford"), (e.Purpose, e.Justification)));
    }

    [Fact]
    public async Task The_owning_forces_auditor_sees_their_record_combined_into_another_forces_case_and_why()
    {
        var hertfordshire = Investigator(Force.Hertfordshire);
        var essexRecord = await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX")));
        var caseId = Id(Accepted(await region.OpensWithReasonsAsync(hertfordshire, Unique("HC-CASE"), "Doorstep couriers", "PROSECUTION", Why)));

        var attached = await service.LoggedWhileAsync(async () => Accepted(await region.AttachesAsync(hertfordshire, caseId, essexRecord)));

        var combination = Assert.Single(attached);
        Assert.Equal(("COMBINATION", "PROSECUTION", Why), (combination.Kind, combination.Purpose, combination.Justification));
        Assert.Equal([new NamedRecord("Case", caseId, "HERTFORDSHIRE"), new NamedRecord("Incident", essexRecord, "ESSEX")], combination.Records);

        var (entries, _) = await service.PageAsync(ForceAuditor(Force.Essex), new { recordId = essexRecord, kind = "COMBINATION" });
        var seen = Assert.Single(entries);
        Assert.Equal((hertfordshire.Subject, "PROSECUTION", Why), (Text(seen, "subject"), Text(seen, "purpose"), Text(seen, "justification")));
        Assert.Contains(seen["records"]!.AsArray(), r => Text(r!, "type") == "Case" && Text(r!, "id") == caseId);
    }

    [Fact]
    public async Task Adding_a_Norfolk_investigator_to_a_case_holding_an_Essex_C_record_discloses_that_record_to_them()
    {
        var essex = Investigator(Force.Essex);
        var secret = await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX-C"), handling: "C"));
        var shared = await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX-P")));
        var caseId = Id(Accepted(await region.OpensWithReasonsAsync(essex, Unique("EX-CASE"), "Doorstep couriers", "INVESTIGATION", Why)));
        Accepted(await region.AttachesAsync(essex, caseId, secret));
        Accepted(await region.AttachesAsync(essex, caseId, shared));
        var norfolk = Investigator(Force.Norfolk);
        const string own = "Norfolk holds the suspect's vehicle sightings";

        var joined = await service.LoggedWhileAsync(async () =>
            Accepted(await region.ChangesWithAsync(essex, CaseReasonSteps.AddCaseMemberWithReason, "addCaseMember", new { caseId, username = norfolk.Subject, justification = own })));

        var alteration = OneOf(joined, "ALTERATION");
        Assert.Equal([new NamedRecord("Case", caseId, "ESSEX")], alteration.Records);
        var disclosure = OneOf(joined, "DISCLOSURE");
        Assert.Equal(("INVESTIGATION", own, essex.Subject), (disclosure.Purpose, disclosure.Justification, disclosure.Subject));
        // The P record they saw already: only the C record is newly opened to them.
        Assert.Equal([new NamedRecord("Case", caseId, "ESSEX"), new NamedRecord("Incident", secret, "ESSEX")], disclosure.Records);
    }

    [Fact]
    public async Task Adding_a_colleague_of_the_records_own_force_discloses_nothing()
    {
        var essex = Investigator(Force.Essex);
        var colleague = Unique("essex-colleague");
        using (var scope = service.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<UserAccounts>().CreateAsync(colleague, "investigator", Force.Essex, "a password long enough", CancellationToken.None);
        }

        var secret = await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX-C"), handling: "C"));
        var caseId = await region.OpensCaseAsync(essex, Unique("EX-CASE"));
        Accepted(await region.AttachesAsync(essex, caseId, secret));

        var joined = await service.LoggedWhileAsync(async () => Accepted(await region.AddsMemberAsync(essex, caseId, colleague)));

        Assert.Equal("ALTERATION", Assert.Single(joined).Kind);
    }
}
