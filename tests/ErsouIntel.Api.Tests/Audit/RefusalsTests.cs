using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Api.Tests.Visibility;
using ErsouIntel.Domain;
using static ErsouIntel.Api.Tests.Audit.AccessLogSteps;
using static ErsouIntel.Api.Tests.Cases.CaseSteps;

namespace ErsouIntel.Api.Tests.Audit;

/// <summary>
/// Every attempt a signed-in caller makes is in the log with its reason, the refused ones as
/// REFUSED: a force system reading, an investigator writing what only force systems write, an
/// auditor asking for intelligence, an unusable justification, a record by id the caller was not
/// given. What the caller is answered does not change, and a withheld record writes the same
/// entries as an id that names nothing.
/// </summary>
public sealed class RefusalsTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private const string SuspectById =
        """
        query Suspect($id: ID!, $purpose: Purpose!, $why: String!) {
          access(purpose: $purpose, justification: $why) { suspect(id: $id) { id name forces } }
        }
        """;

    private readonly Region region = new(service);

    [Fact]
    public async Task A_force_system_reading_through_access_is_refused_and_logged_with_its_role_and_the_reason_it_gave()
    {
        GraphQLAnswer answer = null!;
        var system = TestCaller.ForceSystem(Force.Essex);

        var entries = await service.LoggedWhileAsync(async () => answer = await region.AsksAsync(system, ContractOperations.Incident, new { id = Guid.NewGuid().ToString(), purpose = "SAFEGUARDING" }));

        Assert.Equal("FORBIDDEN", answer.FirstErrorCode);
        var refused = Assert.Single(entries);
        Assert.Equal(("REFUSED", "essex-system", "ESSEX", "Incident"), (refused.Kind, refused.Subject, refused.Force, refused.Operation));
        Assert.Equal(["force-system"], refused.Roles);
        Assert.Equal(("SAFEGUARDING", Region.Why), (refused.Purpose, refused.Justification));
        Assert.Empty(refused.Records);
    }

    [Fact]
    public async Task An_investigator_pushing_an_incident_is_refused_and_logged()
    {
        GraphQLAnswer answer = null!;
        var investigator = Investigator(Force.Hertfordshire);

        var entries = await service.LoggedWhileAsync(async () => answer = await service.PostAsAsync(investigator, ContractOperations.Text(ContractOperations.ReportIncident), new { input = AnIncident.Courier(Unique("HC")) }));

        Assert.Equal("FORBIDDEN", answer.FirstErrorCode);
        var refused = Assert.Single(entries);
        Assert.Equal(("REFUSED", investigator.Subject, "HERTFORDSHIRE", "ReportIncident"), (refused.Kind, refused.Subject, refused.Force, refused.Operation));
        Assert.Equal(["investigator"], refused.Roles);
        Assert.Null(refused.Purpose);
        Assert.Null(refused.Justification);
    }

    [Fact]
    public async Task An_auditor_asking_for_intelligence_is_refused_and_logged()
    {
        GraphQLAnswer answer = null!;
        var auditor = ForceAuditor(Force.Norfolk, Unique("norfolk-auditor"));

        var entries = await service.LoggedWhileAsync(async () => answer = await region.AsksAsync(auditor, ContractOperations.LinkedCouriers, new { phone = NewPhoneNumber(), hops = 1 }));

        Assert.Equal("FORBIDDEN", answer.FirstErrorCode);
        var refused = Assert.Single(entries);
        Assert.Equal(("REFUSED", auditor.Subject, "NORFOLK"), (refused.Kind, refused.Subject, refused.Force));
        Assert.Equal(["auditor"], refused.Roles);
    }

    [Theory]
    [InlineData("too short", "too short")]
    [InlineData("   padded    ", "padded")]
    public async Task A_justification_too_short_is_refused_and_logged_with_the_text_given(string why, string logged)
    {
        GraphQLAnswer answer = null!;

        var entries = await service.LoggedWhileAsync(async () => answer = await region.AsksAsync(Investigator(Force.Essex), ContractOperations.Incident, new { id = Guid.NewGuid().ToString(), why }));

        Assert.Equal("JUSTIFICATION_REQUIRED", answer.FirstErrorCode);
        var refused = Assert.Single(entries);
        Assert.Equal("REFUSED", refused.Kind);
        Assert.Equal(logged, refused.Justification);
        Assert.Equal("INVESTIGATION", refused.Purpose);
    }

    [Fact]
    public async Task A_justification_too_long_is_logged_cut_to_500_characters()
    {
        var why = string.Concat(Enumerable.Repeat("Linking the Watford incidents. ", 60));

        var entries = await service.LoggedWhileAsync(async () => Assert.Equal("JUSTIFICATION_REQUIRED", (await region.AsksAsync(Investigator(Force.Essex), ContractOperations.Incident, new { id = Guid.NewGuid().ToString(), why })).FirstErrorCode));

        var refused = Assert.Single(entries);
        Assert.Equal(why.Trim()[..500], refused.Justification);
    }

    [Theory]
    [InlineData("Linking \u001b[31mthe Watford\u001b[0m incidents", "Linking \u241b[31mthe Watford\u241b[0m incidents")]
    [InlineData("Linking the Watford\nincidents together", "Linking the Watford\u240aincidents together")]
    [InlineData("Linking\tthe Watford incidents", "Linking\u2409the Watford incidents")]
    public async Task A_justification_holding_control_characters_is_bad_user_input_and_logged_made_safe(string why, string logged)
    {
        GraphQLAnswer answer = null!;

        var entries = await service.LoggedWhileAsync(async () => answer = await region.AsksAsync(Investigator(Force.Essex), ContractOperations.Incident, new { id = Guid.NewGuid().ToString(), why }));

        Assert.Equal("BAD_USER_INPUT", answer.FirstErrorCode);
        Assert.Contains("control character", answer.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(answer.Data?["access"] is null, $"A justification with control characters still opened a scope: {answer}");
        var refused = Assert.Single(entries);
        Assert.Equal("REFUSED", refused.Kind);
        Assert.Equal(logged, refused.Justification);
    }

    [Fact]
    public async Task A_withheld_incident_answers_as_an_unknown_id_and_writes_the_same_entries_naming_its_force()
    {
        var withheld = await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX-C"), handling: "C"));
        var unknown = Guid.NewGuid().ToString();
        var investigator = Investigator(Force.Hertfordshire);
        GraphQLAnswer withheldAnswer = null!, unknownAnswer = null!;

        var probe = await service.LoggedWhileAsync(async () => withheldAnswer = await region.AsksAsync(investigator, ContractOperations.Incident, new { id = withheld }));
        var miss = await service.LoggedWhileAsync(async () => unknownAnswer = await region.AsksAsync(investigator, ContractOperations.Incident, new { id = unknown }));

        Read.AnswersAlike(unknownAnswer, withheldAnswer, "A Hertfordshire investigator");
        Assert.Equal(miss.Select(e => e.Kind), probe.Select(e => e.Kind));
        Assert.Empty(OneOf(probe, "CONSULTATION").Records);
        var refused = OneOf(probe, "REFUSED");
        Assert.Equal((investigator.Subject, "HERTFORDSHIRE", Region.Why), (refused.Subject, refused.Force, refused.Justification));
        Assert.Equal([new NamedRecord("Incident", withheld, "ESSEX")], refused.Records);
        Assert.Equal([new NamedRecord("Incident", unknown, null)], OneOf(miss, "REFUSED").Records);
    }

    [Fact]
    public async Task The_Essex_auditor_sees_the_Hertfordshire_investigators_probe_of_an_Essex_record_and_a_Cambridgeshire_auditor_does_not()
    {
        var withheld = await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX-C"), handling: "C"));
        var investigator = Investigator(Force.Hertfordshire);
        await region.AsksAsync(investigator, ContractOperations.Incident, new { id = withheld });

        var (essex, _) = await service.PageAsync(ForceAuditor(Force.Essex, Unique("essex-auditor")), new { recordId = withheld });
        var (cambridgeshire, _) = await service.PageAsync(ForceAuditor(Force.Cambridgeshire, Unique("cambs-auditor")), new { recordId = withheld });

        var probe = essex.SingleOrDefault(e => Text(e, "kind") == "REFUSED" && Text(e, "subject") == investigator.Subject);
        Assert.True(probe is not null, $"The Essex auditor does not see the Hertfordshire investigator's probe of {withheld}: {new JsonArray([.. essex.Select(e => e.DeepClone())]).ToJsonString()}");
        Assert.Equal("HERTFORDSHIRE", Text(probe, "force"));
        Assert.Contains(probe["records"]!.AsArray(), r => Text(r!, "id") == withheld && Text(r!, "force") == "ESSEX");
        Assert.DoesNotContain(cambridgeshire, e => Text(e, "subject") == investigator.Subject);
        var (refusedOnly, _) = await service.PageAsync(ForceAuditor(Force.Essex, Unique("essex-auditor")), new { kind = "REFUSED", subject = investigator.Subject });
        Assert.Single(refusedOnly);
    }

    [Fact]
    public async Task A_case_courier_or_suspect_by_id_the_caller_may_not_see_is_refused_naming_its_owning_force()
    {
        var essex = Investigator(Force.Essex);
        var caseId = await region.OpensCaseAsync(essex, Unique("EX-CASE"));
        var report = await service.PostAsAsync(TestCaller.ForceSystem(Force.Essex), ContractOperations.Text(ContractOperations.ReportIncident), new
        {
            input = new Dictionary<string, object?>(AnIncident.Courier(Unique("EX-C"), couriers: [AnIncident.CourierNamed("Percival Quenby", "1985-05-05")], handling: "C"))
            {
                ["suspects"] = new[] { new { name = "Octavia Rundle", dateOfBirth = "1970-07-07" } },
            },
        });
        Assert.True(report.Errors is null, report.ToString());
        var incident = report.Data!["reportIncident"]!["incident"]!;
        var courier = Id(incident["couriers"]!.AsArray().Single()!);
        var suspect = Id(incident["suspects"]!.AsArray().Single()!);
        var hertfordshire = Investigator(Force.Hertfordshire);

        var asked = new[]
        {
            ("Case", ContractOperations.Text(ContractOperations.CaseTimeline), caseId, "case"),
            ("Courier", Read.CourierById, courier, "courier"),
            ("Suspect", SuspectById, suspect, "suspect"),
        };
        foreach (var (type, query, id, field) in asked)
        {
            GraphQLAnswer answer = null!;
            var entries = await service.LoggedWhileAsync(async () => answer = await service.PostAsAsync(hertfordshire, query, new { id, purpose = "INVESTIGATION", why = Region.Why }));

            Assert.True(answer.Errors is null && answer.Data!["access"]![field] is null, $"A Hertfordshire investigator was given {type} {id}: {answer}");
            Assert.Equal([new NamedRecord(type, id, "ESSEX")], OneOf(entries, "REFUSED").Records);
            Assert.Equal(2, entries.Count);
        }
    }

    [Fact]
    public async Task A_courier_given_by_id_is_consulted_under_the_id_asked_for()
    {
        var first = await service.PostAsAsync(TestCaller.ForceSystem(Force.Suffolk), ContractOperations.Text(ContractOperations.ReportIncident),
            new { input = AnIncident.Courier(Unique("SF"), [NewPhoneNumber()], [AnIncident.CourierNamed("Ambrose Tillingham", "1990-01-02")]) });
        var courier = Id(first.Data!["reportIncident"]!["incident"]!["couriers"]!.AsArray().Single()!);
        GraphQLAnswer answer = null!;

        var entries = await service.LoggedWhileAsync(async () => answer = await region.AsksForCourierAsync(Investigator(Force.Suffolk), courier));

        Assert.True(answer.Errors is null && answer.Data!["access"]!["courier"] is not null, answer.ToString());

        Assert.Contains(new NamedRecord("Courier", courier, null), OneOf(entries, "CONSULTATION").Records);
        Assert.DoesNotContain(entries, e => e.Kind == "REFUSED");
    }

    [Fact]
    public async Task Attaching_an_incident_the_caller_may_not_see_is_refused_naming_the_case_and_the_incident_as_an_unknown_one_is()
    {
        var hertfordshire = Investigator(Force.Hertfordshire);
        var caseId = await region.OpensCaseAsync(hertfordshire, Unique("HC-CASE"));
        var withheld = await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX-C"), handling: "C"));
        var unknown = Guid.NewGuid().ToString();
        JsonNode withheldPayload = null!, unknownPayload = null!;

        var probe = await service.LoggedWhileAsync(async () => withheldPayload = await region.AttachesAsync(hertfordshire, caseId, withheld));
        var miss = await service.LoggedWhileAsync(async () => unknownPayload = await region.AttachesAsync(hertfordshire, caseId, unknown));

        Assert.Equal("NOT_FOUND at incidentId", Refusal(withheldPayload));
        Assert.True(JsonNode.DeepEquals(withheldPayload, unknownPayload), $"The payloads differ:\n{withheldPayload.ToJsonString()}\n{unknownPayload.ToJsonString()}");
        var refused = Assert.Single(probe);
        Assert.Equal(("REFUSED", hertfordshire.Subject, "AttachIncident"), (refused.Kind, refused.Subject, refused.Operation));
        Assert.Equal([new NamedRecord("Case", caseId, "HERTFORDSHIRE"), new NamedRecord("Incident", withheld, "ESSEX")], refused.Records);
        Assert.Equal([new NamedRecord("Case", caseId, "HERTFORDSHIRE"), new NamedRecord("Incident", unknown, null)], Assert.Single(miss).Records);
    }

    [Fact]
    public async Task Changing_another_forces_case_is_refused_naming_the_case_and_its_lead_force()
    {
        var caseId = await region.OpensCaseAsync(Investigator(Force.Essex), Unique("EX-CASE"));
        var norfolk = Investigator(Force.Norfolk);

        var entries = await service.LoggedWhileAsync(async () => Assert.Equal("NOT_FOUND at caseId", Refusal(await region.AddsNoteAsync(norfolk, caseId, "Is this ours?"))));

        var refused = Assert.Single(entries);
        Assert.Equal(("REFUSED", norfolk.Subject), (refused.Kind, refused.Subject));
        Assert.Equal([new NamedRecord("Case", caseId, "ESSEX")], refused.Records);
    }

    [Fact]
    public async Task A_force_systems_entries_name_its_role()
    {
        var entries = await service.LoggedWhileAsync(() => region.ReportedAsync(Force.Bedfordshire, AnIncident.Courier(Unique("BD"))));

        Assert.Equal(["force-system"], Assert.Single(entries).Roles);
    }

    [Fact]
    public async Task Case_operation_names_and_notes_hold_no_control_characters_but_notes_keep_their_line_feeds()
    {
        var investigator = Investigator(Force.Cambridgeshire);
        var opened = await region.ChangesCaseAsync(investigator, ContractOperations.OpenCase, new { reference = Unique("CB"), title = "Couriers", operationName = "Operation \u001b[2JMagpie" });
        Assert.Equal("BAD_USER_INPUT at operationName", Refusal(opened));
        var caseId = await region.OpensCaseAsync(investigator, Unique("CB"));

        Assert.Equal("BAD_USER_INPUT at text", Refusal(await region.AddsNoteAsync(investigator, caseId, "Spoke to the daughter\u001b[8m")));
        Assert.Equal("BAD_USER_INPUT at text", Refusal(await region.AddsNoteAsync(investigator, caseId, "Spoke to the daughter\r\nShe saw the car")));
        Accepted(await region.AddsNoteAsync(investigator, caseId, "Spoke to the daughter.\n\nShe saw the car."));
    }

    [Fact]
    public async Task A_request_without_a_valid_token_writes_nothing_to_the_log()
    {
        var entries = await service.LoggedWhileAsync(async () =>
        {
            Assert.Equal(401, (await service.PostAsAsync(null, ContractOperations.Text(ContractOperations.Incident), new { id = Guid.NewGuid().ToString(), purpose = "INVESTIGATION", why = Region.Why })).Status);
        });

        Assert.Empty(entries);
    }
}
