using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Audit;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using static ErsouIntel.Api.Tests.Audit.AccessLogSteps;
using static ErsouIntel.Api.Tests.Visibility.RegionWithWithheldRecords;

namespace ErsouIntel.Api.Tests.Visibility;

/// <summary>
/// Only investigators read intelligence, and only for a stated reason. Force systems see what
/// they wrote, and nothing of other forces through it. Each refusal of a signed-in caller is in the
/// access log as REFUSED.
/// </summary>
public sealed class CallersWithoutAccessTests(RegionWithWithheldRecords seeded) : IClassFixture<RegionWithWithheldRecords>
{
    private const string ReportAndLookAround =
        """
        mutation ReportIncident($input: ReportIncidentInput!) {
          reportIncident(input: $input) {
            errors { code message path }
            incident {
              id force forceReference
              couriers { id name description vehicleRegistrations forces incidents { id force forceReference } }
              cases { id }
            }
          }
        }
        """;

    private readonly Region region = seeded.Region;

    public static TheoryData<string, string, string> CallersWithoutTheRight
    {
        get
        {
            var rows = new TheoryData<string, string, string>();
            foreach (var operation in new[]
            {
                ContractOperations.Incident, ContractOperations.Incidents, ContractOperations.PhoneNumberProfile, ContractOperations.LinkedCouriers,
                ContractOperations.Matches, ContractOperations.CaseTimeline, ContractOperations.OpenCase, ContractOperations.AttachIncident, ContractOperations.AddCaseMember,
                ContractOperations.Watch, ContractOperations.Unwatch, "Alerts",
            })
            {
                rows.Add("anonymous", operation, "UNAUTHENTICATED");
                rows.Add("force system", operation, "FORBIDDEN");
                rows.Add("auditor", operation, "FORBIDDEN");
                rows.Add("admin", operation, "FORBIDDEN");
            }

            return rows;
        }
    }

    [Theory]
    [MemberData(nameof(CallersWithoutTheRight))]
    public async Task Callers_who_are_not_investigators_can_neither_read_intelligence_nor_work_cases(string role, string operation, string code)
    {
        TestCaller? caller = role switch
        {
            "force system" => TestCaller.ForceSystem(Force.Hertfordshire),
            "auditor" => TestCaller.Auditor(),
            "admin" => new TestCaller("admin", null, ["admin"], ["admin"]),
            _ => null,
        };
        var incidentId = seeded.IdOf(Seeded(Force.Hertfordshire, "P"));
        var variables = new
        {
            id = incidentId,
            incidentId,
            caseId = Guid.NewGuid().ToString(),
            phone = Phone,
            reference = $"NO-{role}-{operation}",
            title = "Not allowed",
            username = "someone",
            purpose = "INVESTIGATION",
            why = Region.Why,
            input = new { entity = new { kind = "PHONE_NUMBER", key = Phone }, purpose = "INVESTIGATION", justification = Region.Why }
        };

        GraphQLAnswer answer = null!;

        var entries = await seeded.LoggedWhileAsync(async () => answer = await region.Service.PostAsAsync(caller, ContractOperations.Text(operation), variables));

        Assert.True(answer.FirstErrorCode == code, $"A caller ({role}) running {operation} was not refused with {code}: {answer}");
        Assert.True(answer.Data is not JsonObject data || data.All(field => field.Value is null), $"A caller ({role}) running {operation} was given data: {answer}");
        Assert.DoesNotContain(PhoneE164, answer.Text, StringComparison.Ordinal);
        if (caller is null)
        {
            Assert.Empty(entries);
            return;
        }

        var refused = Assert.Single(entries);
        Assert.True(refused.Kind == "REFUSED" && refused.Subject == caller.Subject && refused.Operation == operation, $"A caller ({role}) refused {operation} was not logged as REFUSED: {refused}");
        HoldsNoneOf(entries, PhoneE164, $"NO-{role}-{operation}", "Not allowed");
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(9, false)]
    [InlineData(10, true)]
    [InlineData(500, true)]
    [InlineData(501, false)]
    public async Task An_access_scope_needs_a_justification_of_10_to_500_characters(int length, bool accepted)
    {
        GraphQLAnswer answer = null!;
        var entries = await seeded.LoggedWhileAsync(async () =>
            answer = await region.AsksAsync(TestCaller.Investigator(Force.Hertfordshire), ContractOperations.Incident, new { id = seeded.IdOf(Seeded(Force.Hertfordshire, "P")), why = new string('j', length) }));

        if (accepted)
        {
            Assert.True(answer.Errors is null && answer.Data?["access"]?["incident"] is not null, $"A justification of {length} characters was refused: {answer}");
            return;
        }

        Assert.True(answer.FirstErrorCode == "JUSTIFICATION_REQUIRED", $"A justification of {length} characters was not refused with JUSTIFICATION_REQUIRED: {answer}");
        Assert.True(answer.Data?["access"] is null, $"A justification of {length} characters still gave data: {answer}");
        Assert.True(entries.Count == 1 && entries[0].Kind == "REFUSED" && entries[0].Justification == new string('j', Math.Min(length, 500)),
            $"A justification of {length} characters refused was not logged as REFUSED with the text cut to 500: {string.Join("\n", entries)}");
    }

    [Fact]
    public async Task A_justification_padded_with_spaces_to_10_characters_is_still_too_short()
    {
        var answer = await region.AsksAsync(TestCaller.Investigator(Force.Hertfordshire), ContractOperations.Incident, new { id = seeded.IdOf(Seeded(Force.Hertfordshire, "P")), why = "   short    " });

        Assert.True(answer.FirstErrorCode == "JUSTIFICATION_REQUIRED", $"A padded five-letter justification was accepted: {answer}");
    }

    [Theory]
    [InlineData(Force.Hertfordshire)]
    [InlineData(Force.Essex)]
    public async Task A_force_systems_report_payload_shows_only_its_own_forces_records_through_nested_fields(Force reporter)
    {
        var reference = $"{reporter.TenantId()[..3]}-P-0002";
        var sighting = new Sighting(Daniel, "Daniel Price", "Seen again by the same force", "NEW 24 X");
        var input = AnIncident.Courier(reference, [Phone], [sighting.Input()], occurredAt: "2024-03-10T10:00:00Z");

        var answer = await region.Service.PostAsAsync(TestCaller.ForceSystem(reporter), ReportAndLookAround, new { input });

        Assert.True(answer.Errors is null, answer.ToString());
        var incident = answer.Data!["reportIncident"]!["incident"]!;
        var courier = incident["couriers"]!.AsArray().Single()!;
        var own = Reported.Where(i => i.Force == reporter && i.Carries(Daniel)).ToList();
        var who = $"The {reporter} system reading its own payload";
        Assert.Equal(seeded.CourierIdOf(Daniel), courier["id"]!.GetValue<string>());
        Assert.Equal([reporter.TenantId()], Read.Sorted(courier["forces"]!.AsArray().Select(f => f!.GetValue<string>())));
        Assert.Equal(Read.Sorted(own.Select(i => i.Reference).Append(reference)), Read.Texts(courier["incidents"], "forceReference"));
        Assert.True(
            courier["incidents"]!.AsArray().All(i => i!["force"]!.GetValue<string>() == reporter.TenantId()),
            $"{who} was shown another force's incidents: {courier.ToJsonString()}");
        var ownSightings = own.SelectMany(i => i.Couriers).Where(c => c.Person == Daniel).Append(sighting).ToList();
        Assert.Equal(Read.Sorted(ownSightings.Select(s => s.StoredRegistration).OfType<string>().Distinct()), Read.Sorted(courier["vehicleRegistrations"]!.AsArray().Select(r => r!.GetValue<string>())));
        Assert.Contains(courier["name"]?.GetValue<string>(), ownSightings.Select(s => s.Name));
        Assert.Contains(courier["description"]?.GetValue<string>(), ownSightings.Select(s => s.Description));
        Assert.True(incident["cases"]!.AsArray().Count == 0, $"{who} was shown cases: {incident.ToJsonString()}");
        AssertNoOtherForce(reporter, answer.Body!);
    }

    /// <summary>No reference of another force's record appears anywhere in the answer.</summary>
    private static void AssertNoOtherForce(Force reporter, JsonNode body)
    {
        var text = body.ToJsonString();
        foreach (var other in Reported.Where(i => i.Force != reporter))
        {
            Assert.False(text.Contains(other.Reference, StringComparison.Ordinal), $"The {reporter} system was shown {other.Reference} of {other.Force}: {text}");
        }
    }
}
