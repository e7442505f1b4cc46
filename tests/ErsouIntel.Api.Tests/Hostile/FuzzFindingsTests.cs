using System.Text.Json;
using System.Text.Json.Nodes;
using ErsouIntel.Api.Storage;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Incidents;
using Npgsql;

namespace ErsouIntel.Api.Tests.Hostile;

/// <summary>
/// What <see cref="FuzzedReportsTests"/>' generator reached, pinned as plain tests: spellings outside
/// the rules of docs/domain.md that the domain (IncidentValidation, Normalise) took and stored.
/// A class of its own, so its rows stay out of the fuzzed database's exact accounting.
/// </summary>
public sealed class FuzzFindingsTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task A_PNC_ID_written_in_other_digits_is_stored_as_YY_NNNNNNNL_or_refused()
    {
        // Found by seed 3. Arabic-Indic digits matched the domain's \d, so "١٩/١٢٣٤٥٦A" was stored as sent and
        // never matched the same courier's "19/123456A" on another force's incident.
        var input = FuzzInput("PNC-DIGITS-1");
        input["couriers"] = new JsonArray(new JsonObject { ["name"] = "Jon Smyth", ["pncId"] = "١٩/١٢٣٤٥٦A" });

        var (payload, stored) = await ReportAsync(Force.Suffolk, input);

        if (stored is null)
        {
            Assert.Equal("INVALID_FORMAT@couriers.0.pncId", ErrorsOf(payload));
        }
        else
        {
            Assert.Equal("19/123456A", stored.Couriers.Single().PncId);
        }
    }

    [Fact]
    public async Task A_reference_ending_in_a_line_break_is_refused_as_the_rule_says()
    {
        // docs/domain.md: letters and digits, then / - _ . : #, no spaces. The domain's pattern ended in $,
        // which also matches before a final line break, so "X\n" was taken and stored as "X".
        var (payload, stored) = await ReportAsync(Force.Suffolk, FuzzInput("LINE-BREAK-1\n"));

        Assert.Null(stored);
        Assert.Equal("INVALID_FORMAT@forceReference", ErrorsOf(payload));
    }

    [Fact]
    public async Task An_occurrence_before_1950_in_UTC_is_refused_whatever_offset_it_is_written_with()
    {
        // 1950-01-01T00:30+01:00 is 1949-12-31T23:30Z, the instant the domain refuses when written in UTC; the
        // domain judged the year of the offset's calendar and stored an incident of 1949.
        var input = FuzzInput("BEFORE-1950-1");
        input["occurredAt"] = "1950-01-01T00:30:00+01:00";

        var (payload, stored) = await ReportAsync(Force.Suffolk, input);

        Assert.True(stored is null, $"Stored as occurring at {stored?.OccurredAt:O}.");
        Assert.Equal("OUT_OF_RANGE@occurredAt", ErrorsOf(payload));
    }

    private static JsonObject FuzzInput(string reference) => new()
    {
        ["forceReference"] = reference,
        ["occurredAt"] = "2024-03-12T14:05:00Z",
        ["category"] = "COURIER_FRAUD",
        ["grading"] = new JsonObject { ["source"] = "RELIABLE", ["intelligence"] = "B", ["handling"] = "P" },
    };

    private static string ErrorsOf(JsonNode payload) =>
        string.Join(", ", payload["errors"]!.AsArray().Select(e => $"{e!["code"]}@{string.Join('.', e["path"]!.AsArray().Select(p => p!.GetValue<string>()))}"));

    /// <summary>One report through the contract, and what ersou.li_incidents then holds under its (trimmed) reference.</summary>
    private async Task<(JsonNode Payload, IncidentDetails? Stored)> ReportAsync(Force force, JsonObject input)
    {
        var answer = await service.PostAsAsync(TestCaller.ForceSystem(force), ContractOperations.Text(ContractOperations.ReportIncidents), new { inputs = new[] { input } });
        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select details::text from ersou.li_incidents where force = $1 and force_reference = $2", connection);
        command.Parameters.AddWithValue(force.TenantId());
        command.Parameters.AddWithValue(input["forceReference"]!.GetValue<string>().Trim());
        var details = await command.ExecuteScalarAsync() as string;
        return (answer.Data!["reportIncidents"]![0]!, details is null ? null : JsonSerializer.Deserialize<IncidentDetails>(details, ReadModelJson.Options));
    }
}
