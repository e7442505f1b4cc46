using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using Npgsql;

namespace ErsouIntel.Api.Tests.Incidents;

/// <summary>A force system pushing incidents: upserts, validation, batches, retries, races and retractions.</summary>
public sealed class ReportingIncidentsTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private readonly Region region = new(service);

    private static string Reference() => $"HC/{Guid.NewGuid():N}"[..20];

    [Fact]
    public async Task A_first_push_creates_the_incident_with_normalised_numbers()
    {
        var payload = await region.ReportsAsync(Force.Hertfordshire, AnIncident.Courier(Reference(), phones: ["07700 900123"]));

        Assert.Equal("CREATED", payload["outcome"]!.GetValue<string>());
        var incident = payload["incident"]!;
        Assert.Equal("HERTFORDSHIRE", incident["force"]!.GetValue<string>());
        Assert.Equal("+447700900123", incident["phoneNumbers"]![0]!["e164"]!.GetValue<string>());
        Assert.Equal(1, incident["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_same_content_again_is_UNCHANGED_and_writes_no_event()
    {
        var reference = Reference();
        var first = await region.ReportsAsync(Force.Hertfordshire, AnIncident.Courier(reference, phones: ["07700 900123"]));
        // Another spelling of the same number is the same content.
        var again = await region.ReportsAsync(Force.Hertfordshire, AnIncident.Courier(reference, phones: ["+44 7700 900123"]));

        Assert.Equal("UNCHANGED", again["outcome"]!.GetValue<string>());
        Assert.Equal(first["incident"]!["id"]!.GetValue<string>(), again["incident"]!["id"]!.GetValue<string>());
        Assert.Equal(1, again["incident"]!["version"]!.GetValue<int>());
        Assert.Equal(1, await EventCountAsync(first["incident"]!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Different_content_is_AMENDED_and_the_history_keeps_both_versions()
    {
        var reference = Reference();
        var first = await region.ReportsAsync(Force.Hertfordshire, AnIncident.Courier(reference, summary: "First account"));
        var amended = await region.ReportsAsync(Force.Hertfordshire, AnIncident.Courier(reference, summary: "Second account"));

        Assert.Equal("AMENDED", amended["outcome"]!.GetValue<string>());
        Assert.Equal(2, amended["incident"]!["version"]!.GetValue<int>());
        var id = first["incident"]!["id"]!.GetValue<string>();
        Assert.Equal(2, await EventCountAsync(id));
        var summaries = await EventSummariesAsync(id);
        Assert.Equal(["First account", "Second account"], summaries);
    }

    [Fact]
    public async Task The_same_reference_in_two_forces_is_two_incidents()
    {
        var reference = Reference();
        var herts = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(reference));
        var essex = await region.ReportedAsync(Force.Essex, AnIncident.Courier(reference));

        Assert.NotEqual(herts, essex);
    }

    public static TheoryData<string, object?, string, string> BadFields => new()
    {
        { "forceReference", "", "REQUIRED", "forceReference" },
        { "forceReference", new string('x', 65), "TOO_LONG", "forceReference" },
        { "forceReference", "has spaces in it", "INVALID_FORMAT", "forceReference" },
        { "occurredAt", "2999-01-01T00:00:00Z", "OUT_OF_RANGE", "occurredAt" },
        { "victimAgeBand", "old", "INVALID_FORMAT", "victimAgeBand" },
        { "summary", new string('s', 4001), "TOO_LONG", "summary" },
        { "phoneNumbers", new[] { new { number = "not a number", role = "CALLER" } }, "INVALID_PHONE_NUMBER", "phoneNumbers.0.number" },
        { "couriers", new[] { new { pncId = "12345" } }, "INVALID_FORMAT", "couriers.0.pncId" },
        { "couriers", new[] { new { vehicleRegistration = "!!" } }, "INVALID_FORMAT", "couriers.0.vehicleRegistration" },
        { "couriers", new[] { new { name = (string?)null } }, "REQUIRED", "couriers.0" },
        { "grading", new { source = "RELIABLE", intelligence = "A", handling = "C" }, "REQUIRED", "grading.conditions" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task A_bad_field_is_refused_with_its_code_and_path_and_nothing_is_stored(string field, object? value, string code, string path)
    {
        var reference = Reference();
        var input = AnIncident.Courier(reference);
        input[field] = value;

        var payload = await region.ReportsAsync(Force.Hertfordshire, input);

        Assert.Null(payload["incident"]);
        Assert.Null(payload["outcome"]);
        var error = Assert.Single(payload["errors"]!.AsArray());
        Assert.Equal(code, error!["code"]!.GetValue<string>());
        Assert.Equal(path, string.Join('.', error["path"]!.AsArray().Select(p => p!.GetValue<string>())));
        Assert.Equal(0, await StreamCountAsync(reference));
    }

    [Fact]
    public async Task A_batch_answers_in_order_and_one_bad_input_fails_alone()
    {
        var good1 = AnIncident.Courier(Reference());
        var bad = AnIncident.Courier(Reference(), phones: ["12"]);
        var good2 = AnIncident.Courier(Reference());

        var payloads = await region.ReportsBatchAsync(Force.Essex, [good1, bad, good2]);

        Assert.Equal(3, payloads.Count);
        Assert.Equal(good1["forceReference"], payloads[0]!["incident"]!["forceReference"]!.GetValue<string>());
        Assert.Equal("INVALID_PHONE_NUMBER", payloads[1]!["errors"]![0]!["code"]!.GetValue<string>());
        Assert.Null(payloads[1]!["incident"]);
        Assert.Equal(good2["forceReference"], payloads[2]!["incident"]!["forceReference"]!.GetValue<string>());
        Assert.All(new[] { payloads[0], payloads[2] }, p => Assert.Equal("CREATED", p!["outcome"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_batch_repeating_one_reference_creates_then_amends_it()
    {
        var reference = Reference();

        var payloads = await region.ReportsBatchAsync(Force.Essex, [AnIncident.Courier(reference, summary: "one"), AnIncident.Courier(reference, summary: "two")]);

        Assert.Equal("CREATED", payloads[0]!["outcome"]!.GetValue<string>());
        Assert.Equal("AMENDED", payloads[1]!["outcome"]!.GetValue<string>());
        Assert.Equal(2, payloads[1]!["incident"]!["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_batch_of_500_is_taken_and_501_is_refused_whole()
    {
        var five_hundred = Enumerable.Range(0, 500).Select(_ => AnIncident.Courier(Reference(), phones: ["07700 900456"])).ToList();

        var payloads = await region.ReportsBatchAsync(Force.Norfolk, five_hundred);
        Assert.Equal(500, payloads.Count);
        Assert.All(payloads, p => Assert.Equal("CREATED", p!["outcome"]!.GetValue<string>()));

        var tooMany = five_hundred.Append(AnIncident.Courier(Reference())).ToList();
        var answer = await service.PostAsAsync(TestCaller.ForceSystem(Force.Norfolk), ContractOperations.Text(ContractOperations.ReportIncidents), new { inputs = tooMany });
        Assert.Equal("BAD_USER_INPUT", answer.FirstErrorCode);
    }

    [Fact]
    public async Task Concurrent_pushes_of_one_reference_never_create_two_incidents()
    {
        var reference = Reference();
        // Ten clients race the same reference with two different contents.
        var pushes = Enumerable.Range(0, 10)
            .Select(i => region.ReportsAsync(Force.Suffolk, AnIncident.Courier(reference, summary: i % 2 == 0 ? "even" : "odd")))
            .ToList();

        var payloads = await Task.WhenAll(pushes);

        Assert.All(payloads, p => Assert.Empty(p["errors"]!.AsArray()));
        Assert.Single(payloads, p => p["outcome"]!.GetValue<string>() == "CREATED");
        Assert.Single(payloads.Select(p => p["incident"]!["id"]!.GetValue<string>()).Distinct());
        Assert.Equal(1, await StreamCountAsync(reference));
        // Every AMENDED answer wrote exactly one event, every UNCHANGED none.
        var amended = payloads.Count(p => p["outcome"]!.GetValue<string>() == "AMENDED");
        Assert.Equal(1 + amended, await EventCountAsync(payloads[0]["incident"]!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_resent_batch_racing_the_first_stores_each_incident_once()
    {
        var batch = Enumerable.Range(0, 50).Select(_ => AnIncident.Courier(Reference(), phones: ["07700 900789"])).ToList();

        var attempts = await Task.WhenAll(region.ReportsBatchAsync(Force.Bedfordshire, batch), region.ReportsBatchAsync(Force.Bedfordshire, batch));

        foreach (var reference in batch.Select(b => (string)b["forceReference"]!))
        {
            Assert.Equal(1, await StreamCountAsync(reference));
        }

        var outcomes = attempts.SelectMany(a => a.Select(p => p!["outcome"]!.GetValue<string>())).ToList();
        Assert.Equal(50, outcomes.Count(o => o == "CREATED"));
        Assert.Equal(50, outcomes.Count(o => o == "UNCHANGED"));
    }

    [Fact]
    public async Task Retracting_marks_the_incident_and_a_second_retraction_writes_nothing()
    {
        var reference = Reference();
        var id = await region.ReportedAsync(Force.Cambridgeshire, AnIncident.Courier(reference));
        var system = TestCaller.ForceSystem(Force.Cambridgeshire);
        var retract = ContractOperations.Text(ContractOperations.RetractIncident);

        var first = await service.PostAsAsync(system, retract, new { forceReference = reference, reason = "Reported in error by the victim's family" });
        var second = await service.PostAsAsync(system, retract, new { forceReference = reference, reason = "Reported in error by the victim's family" });

        Assert.True(first.Data!["retractIncident"]!["incident"]!["retracted"]!.GetValue<bool>(), first.ToString());
        Assert.Equal(2, first.Data!["retractIncident"]!["incident"]!["version"]!.GetValue<int>());
        Assert.Equal(2, second.Data!["retractIncident"]!["incident"]!["version"]!.GetValue<int>());
        Assert.Equal(2, await EventCountAsync(id));
    }

    [Fact]
    public async Task Retracting_an_unknown_reference_or_another_forces_is_NOT_FOUND()
    {
        var reference = Reference();
        await region.ReportedAsync(Force.Essex, AnIncident.Courier(reference));

        var answer = await service.PostAsAsync(TestCaller.ForceSystem(Force.Hertfordshire), ContractOperations.Text(ContractOperations.RetractIncident), new { forceReference = reference, reason = "not ours" });

        Assert.Equal("NOT_FOUND", answer.Data!["retractIncident"]!["errors"]![0]!["code"]!.GetValue<string>());
        Assert.Null(answer.Data!["retractIncident"]!["incident"]);
    }

    [Fact]
    public async Task An_investigator_cannot_report_and_an_anonymous_caller_is_unauthenticated()
    {
        var text = ContractOperations.Text(ContractOperations.ReportIncident);
        var input = AnIncident.Courier(Reference());

        var investigator = await service.PostAsAsync(TestCaller.Investigator(Force.Essex), text, new { input });
        var anonymous = await service.PostAsAsync(null, text, new { input });

        Assert.Equal("FORBIDDEN", investigator.FirstErrorCode);
        Assert.Equal("UNAUTHENTICATED", anonymous.FirstErrorCode);
        Assert.Equal(0, await StreamCountAsync((string)input["forceReference"]!));
    }

    private async Task<long> EventCountAsync(string incidentId)
    {
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from ersou.mt_events where stream_id = $1", connection);
        command.Parameters.AddWithValue(Guid.Parse(incidentId));
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<List<string>> EventSummariesAsync(string incidentId)
    {
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select data from ersou.mt_events where stream_id = $1 order by version", connection);
        command.Parameters.AddWithValue(Guid.Parse(incidentId));
        var summaries = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var data = JsonNode.Parse(reader.GetString(0))!;
            summaries.Add((data["Details"] ?? data["details"])!["Summary"]?.GetValue<string>() ?? (data["Details"] ?? data["details"])!["summary"]!.GetValue<string>());
        }

        return summaries;
    }

    /// <summary>How many incident streams hold this force reference: the guard against duplicates.</summary>
    private async Task<long> StreamCountAsync(string forceReference)
    {
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select count(distinct stream_id) from ersou.mt_events where type = 'incident_reported' and (data->>'ForceReference' = $1 or data->>'forceReference' = $1)", connection);
        command.Parameters.AddWithValue(forceReference);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
