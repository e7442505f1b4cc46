using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using static ErsouIntel.Api.Tests.Audit.AccessLogSteps;
using static ErsouIntel.Api.Tests.Cases.CaseSteps;

namespace ErsouIntel.Api.Tests.Audit;

/// <summary>
/// Every contract operation leaves the entries DPA 2018 s.62 asks for, before its answer leaves:
/// own-force records read are a CONSULTATION, other forces' records returned a DISCLOSURE, writes
/// a COLLECTION or an ALTERATION, attaching an incident to a case a COMBINATION. The entries name
/// records by id; none of their contents reach the log.
/// </summary>
public sealed class WhatEachOperationLogsTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private readonly Region region = new(service);

    [Fact]
    public async Task A_first_report_is_a_collection_and_an_amendment_an_alteration_naming_only_the_incident()
    {
        var reference = Unique("HC");
        var summary = $"Courier took the card from the victim at her door {Guid.NewGuid():N}";
        var phone = NewPhoneNumber();
        var input = AnIncident.Courier(reference, [phone], [AnIncident.CourierNamed("Quentin Marchbanks", "1991-07-14", "QM19 XYZ")], summary: summary);
        string id = "";

        var created = await service.LoggedWhileAsync(async () => id = await region.ReportedAsync(Force.Hertfordshire, input));
        input["summary"] = summary + " Amended: a second courier seen.";
        var amended = await service.LoggedWhileAsync(() => region.ReportedAsync(Force.Hertfordshire, input));

        var collection = Assert.Single(created);
        Assert.Equal("COLLECTION", collection.Kind);
        Assert.Equal("hertfordshire-system", collection.Subject);
        Assert.Equal("HERTFORDSHIRE", collection.Force);
        Assert.Equal("ReportIncident", collection.Operation);
        Assert.Null(collection.Purpose);
        Assert.Null(collection.Justification);
        Assert.Equal([new NamedRecord("Incident", id, "HERTFORDSHIRE")], collection.Records);
        var alteration = Assert.Single(amended);
        Assert.Equal("ALTERATION", alteration.Kind);
        Assert.Equal([new NamedRecord("Incident", id, "HERTFORDSHIRE")], alteration.Records);
        HoldsNoneOf([.. created, .. amended], summary, reference, "Quentin", "Marchbanks", "QM19", NationalDigits(phone), "1991-07-14");
    }

    [Fact]
    public async Task A_batch_is_one_collection_naming_every_incident_stored_and_not_the_one_refused()
    {
        var references = new[] { Unique("EX-B"), Unique("EX-B"), Unique("EX-B") };
        var inputs = references.Select(r => AnIncident.Courier(r)).ToList();
        inputs[1] = AnIncident.Courier(references[1], ["not a phone number"]);
        JsonArray payloads = [];

        var entries = await service.LoggedWhileAsync(async () => payloads = await region.ReportsBatchAsync(Force.Essex, inputs));

        var stored = payloads.Where(p => p!["errors"]!.AsArray().Count == 0).Select(p => p!["incident"]!["id"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, stored.Count);
        var collection = Assert.Single(entries);
        Assert.Equal("COLLECTION", collection.Kind);
        Assert.Equal("ReportIncidents", collection.Operation);
        Assert.Equal(stored, collection.IdsOf("Incident"));
        HoldsNoneOf(entries, references);
    }

    [Fact]
    public async Task A_retraction_is_an_alteration_of_the_incident()
    {
        var reference = Unique("HC-R");
        var id = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(reference));
        const string reason = "Reported in error by the call handler";

        var entries = await service.LoggedWhileAsync(() => region.RetractsAsync(Force.Hertfordshire, reference, reason));

        var alteration = Assert.Single(entries);
        Assert.Equal("ALTERATION", alteration.Kind);
        Assert.Equal("RetractIncident", alteration.Operation);
        Assert.Equal([new NamedRecord("Incident", id, "HERTFORDSHIRE")], alteration.Records);
        HoldsNoneOf(entries, reason, reference);
    }

    [Fact]
    public async Task Reading_an_own_force_incident_is_a_consultation_with_the_purpose_and_justification()
    {
        var summary = $"Victim handed over her PIN on the phone {Guid.NewGuid():N}";
        var id = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(Unique("HC"), summary: summary));
        var investigator = Investigator(Force.Hertfordshire);

        var entries = await service.LoggedWhileAsync(() => region.ReadsAsync(investigator, ContractOperations.Incident, new { id, purpose = "SAFEGUARDING" }));

        var consultation = Assert.Single(entries);
        Assert.Equal("CONSULTATION", consultation.Kind);
        Assert.Equal(investigator.Subject, consultation.Subject);
        Assert.Equal("HERTFORDSHIRE", consultation.Force);
        Assert.Equal(["investigator"], consultation.Roles);
        Assert.Equal("Incident", consultation.Operation);
        Assert.Equal("SAFEGUARDING", consultation.Purpose);
        Assert.Equal(Region.Why, consultation.Justification);
        Assert.Equal([id], consultation.IdsOf("Incident"));
        HoldsNoneOf(entries, summary);
    }

    [Fact]
    public async Task Reading_another_forces_incident_is_a_disclosure_and_an_empty_consultation()
    {
        var summary = $"Courier arrived in a taxi {Guid.NewGuid():N}";
        var id = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(Unique("HC"), summary: summary));

        var entries = await service.LoggedWhileAsync(() => region.ReadsAsync(Investigator(Force.Essex), ContractOperations.Incident, new { id }));

        Assert.Equal(2, entries.Count);
        Assert.Empty(OneOf(entries, "CONSULTATION").IdsOf("Incident"));
        var disclosure = OneOf(entries, "DISCLOSURE");
        Assert.Equal("ESSEX", disclosure.Force);
        Assert.Equal([new NamedRecord("Incident", id, "HERTFORDSHIRE")], disclosure.Records);
        Assert.Equal(Region.Why, disclosure.Justification);
        HoldsNoneOf(entries, summary);
    }

    [Fact]
    public async Task A_consultation_that_found_nothing_is_still_logged_and_the_id_asked_for_is_named_as_refused()
    {
        var id = Guid.NewGuid().ToString();

        var entries = await service.LoggedWhileAsync(() => region.ReadsAsync(Investigator(Force.Norfolk), ContractOperations.Incident, new { id }));

        Assert.Equal(2, entries.Count);
        Assert.Empty(OneOf(entries, "CONSULTATION").Records);
        // No such record: named without a force, in the same entry a withheld record would have.
        Assert.Equal([new NamedRecord("Incident", id, null)], OneOf(entries, "REFUSED").Records);
    }

    [Fact]
    public async Task Listing_incidents_consults_own_records_and_discloses_the_others_returned_but_not_those_withheld()
    {
        // A month no other test reports in, so the list holds only these three.
        var window = new { occurredFrom = "2019-02-01T00:00:00Z", occurredTo = "2019-02-28T00:00:00Z" };
        var own = await region.ReportedAsync(Force.Suffolk, AnIncident.Courier(Unique("SF"), occurredAt: "2019-02-10T10:00:00Z"));
        var shared = await region.ReportedAsync(Force.Norfolk, AnIncident.Courier(Unique("NF"), occurredAt: "2019-02-11T10:00:00Z"));
        var withheld = await region.ReportedAsync(Force.Norfolk, AnIncident.Courier(Unique("NF"), handling: "C", occurredAt: "2019-02-12T10:00:00Z"));

        var entries = await service.LoggedWhileAsync(() => region.ReadsAsync(Investigator(Force.Suffolk), ContractOperations.Incidents, new { filter = window, first = 50 }));

        Assert.Equal([own], OneOf(entries, "CONSULTATION").IdsOf("Incident"));
        Assert.Equal([shared], OneOf(entries, "DISCLOSURE").IdsOf("Incident"));
        Assert.DoesNotContain(entries, e => e.Records.Any(r => r.Id == withheld));
        Assert.All(entries, e => Assert.Equal("Incidents", e.Operation));
    }

    [Fact]
    public async Task Linked_couriers_name_the_courier_and_disclose_the_pointer_to_another_forces_withheld_incident()
    {
        var phone = NewPhoneNumber();
        var own = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(Unique("HC"), [phone], [AnIncident.CourierNamed("Barnaby Featherstonehaugh", "1988-03-02", "BF88 ABC")]));
        var withheld = await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX"), [phone], [AnIncident.CourierNamed("Ignatius Pettigrew", "1979-11-30")], handling: "C"));
        JsonNode answer = null!;

        var entries = await service.LoggedWhileAsync(async () => answer = await region.ReadsAsync(Investigator(Force.Hertfordshire), ContractOperations.LinkedCouriers, new { phone, hops = 1 }));

        var couriers = answer["linkedCouriers"]!.AsArray().Where(l => l!["courier"] is JsonObject).Select(l => Id(l!["courier"]!)).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(couriers);
        var consultation = OneOf(entries, "CONSULTATION");
        Assert.Equal(couriers, consultation.IdsOf("Courier"));
        Assert.Contains(own, consultation.IdsOf("Incident"));
        var disclosure = OneOf(entries, "DISCLOSURE");
        Assert.Contains(new NamedRecord("IncidentPointer", withheld, "ESSEX"), disclosure.Records);
        Assert.DoesNotContain(disclosure.Records, r => r.Type == "Incident" && r.Id == withheld);
        HoldsNoneOf(entries, "Barnaby", "Featherstonehaugh", "BF88", "Ignatius", "Pettigrew", "1979-11-30", NationalDigits(phone));
    }

    [Fact]
    public async Task A_phone_number_profile_consults_own_incidents_and_discloses_other_forces_incidents()
    {
        var phone = NewPhoneNumber();
        var own = await region.ReportedAsync(Force.Cambridgeshire, AnIncident.Courier(Unique("CB"), [phone]));
        var other = await region.ReportedAsync(Force.Bedfordshire, AnIncident.Courier(Unique("BD"), [phone]));

        var entries = await service.LoggedWhileAsync(() => region.ReadsAsync(Investigator(Force.Cambridgeshire), ContractOperations.PhoneNumberProfile, new { phone }));

        Assert.Equal([own], OneOf(entries, "CONSULTATION").IdsOf("Incident"));
        Assert.Equal([other], OneOf(entries, "DISCLOSURE").IdsOf("Incident"));
        HoldsNoneOf(entries, NationalDigits(phone));
    }

    [Fact]
    public async Task Matches_read_are_consulted_by_id()
    {
        var phone = NewPhoneNumber();
        await region.ReportedAsync(Force.Norfolk, AnIncident.Courier(Unique("NF"), [phone]));
        await region.ReportedAsync(Force.Suffolk, AnIncident.Courier(Unique("SF"), [phone]));
        JsonNode answer = null!;

        var entries = await service.LoggedWhileAsync(async () => answer = await region.ReadsAsync(Investigator(Force.Norfolk), ContractOperations.Matches, new { first = 200 }));

        var matches = answer["matches"]!["edges"]!.AsArray().Select(e => Id(e!["node"]!)).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(matches);
        Assert.Equal(matches, OneOf(entries, "CONSULTATION").IdsOf("Match"));
        Assert.All(entries, e => Assert.Equal("Matches", e.Operation));
    }

    [Fact]
    public async Task Working_a_case_alters_it_attaching_an_incident_combines_and_reading_its_timeline_consults_and_discloses()
    {
        var hertfordshire = Investigator(Force.Hertfordshire);
        var title = $"Doorstep couriers {Guid.NewGuid():N}";
        var own = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(Unique("HC")));
        var other = await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX")));
        var note = $"Spoke to the victim's daughter {Guid.NewGuid():N}";
        var member = Unique("essex-analyst");
        var reason = $"Charged at Watford {Guid.NewGuid():N}";
        var caseId = "";

        var opened = await service.LoggedWhileAsync(async () => caseId = await region.OpensCaseAsync(hertfordshire, Unique("HC-CASE"), title));
        var attached = await service.LoggedWhileAsync(async () =>
        {
            Accepted(await region.AttachesAsync(hertfordshire, caseId, own));
            Accepted(await region.AttachesAsync(hertfordshire, caseId, other));
        });
        var noted = await service.LoggedWhileAsync(async () => Accepted(await region.AddsNoteAsync(hertfordshire, caseId, note)));
        var joined = await service.LoggedWhileAsync(async () => Accepted(await region.AddsMemberAsync(hertfordshire, caseId, member)));
        var read = await service.LoggedWhileAsync(() => region.ReadsCaseAsync(hertfordshire, caseId));
        var closed = await service.LoggedWhileAsync(async () => Accepted(await region.ClosesAsync(hertfordshire, caseId, reason)));

        var @case = new NamedRecord("Case", caseId, "HERTFORDSHIRE");
        foreach (var (entries, operation, kind) in new[] { (opened, "OpenCase", "COLLECTION"), (noted, "AddCaseNote", "ALTERATION"), (joined, "AddCaseMember", "ALTERATION"), (closed, "CloseCase", "ALTERATION") })
        {
            var alteration = Assert.Single(entries);
            Assert.Equal(kind, alteration.Kind);
            Assert.Equal(operation, alteration.Operation);
            Assert.Equal(hertfordshire.Subject, alteration.Subject);
            Assert.Equal([@case], alteration.Records);
        }

        Assert.Equal(2, attached.Count);
        Assert.All(attached, e => Assert.Equal("COMBINATION", e.Kind));
        Assert.All(attached, e => Assert.Equal("AttachIncident", e.Operation));
        Assert.Equal([@case, new NamedRecord("Incident", own, "HERTFORDSHIRE")], attached[0].Records);
        Assert.Equal([@case, new NamedRecord("Incident", other, "ESSEX")], attached[1].Records);

        var consultation = OneOf(read, "CONSULTATION");
        Assert.Equal("CaseTimeline", consultation.Operation);
        Assert.Equal([caseId], consultation.IdsOf("Case"));
        Assert.Equal([own], consultation.IdsOf("Incident"));
        Assert.Equal([other], OneOf(read, "DISCLOSURE").IdsOf("Incident"));

        // The title is not in this list: opened without a justification, the case's title is its justification, logged with each action.
        HoldsNoneOf([.. opened, .. attached, .. noted, .. joined, .. read, .. closed], note, member, reason, "Operation Doorstep");
    }

    /// <summary>The national digits of a number, as any stored form of it would hold them.</summary>
    private static string NationalDigits(string number) => E164(number)[3..];
}
