using System.Globalization;
using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Tests.Cases;

/// <summary>
/// The case steps of the users' stories ("a Hertfordshire investigator attaches an incident",
/// "an Essex member reads the timeline as it stood at nine"), each one contract operation over HTTP.
/// </summary>
public static class CaseSteps
{
    // Ofcom's drama range (07700 900000 to 900999): valid, never anyone's number, one per test.
    private static int lastPhone = 900_100;

    /// <summary>A reference, username or text no other test uses.</summary>
    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public static string NewPhoneNumber() => $"07700 {Interlocked.Increment(ref lastPhone).ToString(CultureInfo.InvariantCulture)}";

    public static string E164(string number) => "+44" + number.Replace(" ", "", StringComparison.Ordinal)[1..];

    public static TestCaller Investigator(Force force) => TestCaller.Investigator(force, Unique($"{force.TenantId().ToLowerInvariant()}-investigator"));

    public static Task<JsonNode> AttachesAsync(this Region region, TestCaller investigator, string caseId, string incidentId, int? expectedVersion = null) =>
        region.ChangesCaseAsync(investigator, ContractOperations.AttachIncident, new { caseId, incidentId, expectedVersion });

    public static Task<JsonNode> AddsNoteAsync(this Region region, TestCaller investigator, string caseId, string text, int? expectedVersion = null) =>
        region.ChangesCaseAsync(investigator, ContractOperations.AddCaseNote, new { caseId, text, expectedVersion });

    public static Task<JsonNode> AddsMemberAsync(this Region region, TestCaller investigator, string caseId, string username) =>
        region.ChangesCaseAsync(investigator, ContractOperations.AddCaseMember, new { caseId, username });

    public static Task<JsonNode> ClosesAsync(this Region region, TestCaller investigator, string caseId, string reason = "No further lines of enquiry", int? expectedVersion = null) =>
        region.ChangesCaseAsync(investigator, ContractOperations.CloseCase, new { caseId, reason, expectedVersion });

    /// <summary>A change that must be accepted; returns the case as the payload shows it.</summary>
    public static JsonNode Accepted(JsonNode payload)
    {
        Assert.True(payload["errors"]!.AsArray().Count == 0, payload.ToJsonString());
        Assert.True(payload["case"] is not null, payload.ToJsonString());
        return payload["case"]!;
    }

    /// <summary>The only error of a refused change, as "CODE at path".</summary>
    public static string Refusal(JsonNode payload)
    {
        var errors = payload["errors"]!.AsArray();
        Assert.True(errors.Count == 1, payload.ToJsonString());
        return $"{errors[0]!["code"]!.GetValue<string>()} at {string.Join('.', errors[0]!["path"]!.AsArray().Select(p => p!.GetValue<string>()))}";
    }

    /// <summary>The case through <c>access { case(id) }</c> (the CaseTimeline operation); null when the caller may not see it.</summary>
    public static async Task<JsonNode?> ReadsCaseAsync(this Region region, TestCaller investigator, string caseId, DateTimeOffset? asOf = null, int? first = null, string? after = null) =>
        (await region.ReadsAsync(investigator, ContractOperations.CaseTimeline, new { id = caseId, asOf, first, after }))["case"];

    public static async Task<int> VersionAsync(this Region region, TestCaller investigator, string caseId) =>
        (await region.ReadsCaseAsync(investigator, caseId))!["version"]!.GetValue<int>();

    /// <summary>The whole timeline, at most 200 entries (one page).</summary>
    public static async Task<IReadOnlyList<JsonNode>> TimelineAsync(this Region region, TestCaller investigator, string caseId, DateTimeOffset? asOf = null)
    {
        var @case = await region.ReadsCaseAsync(investigator, caseId, asOf, first: 200);
        Assert.NotNull(@case);
        Assert.False(@case["timeline"]!["pageInfo"]!["hasNextPage"]!.GetValue<bool>(), "the timeline is longer than one page of 200");
        return Entries(@case);
    }

    public static IReadOnlyList<JsonNode> Entries(JsonNode @case) =>
        @case["timeline"]!["edges"]!.AsArray().Select(e => e!["node"]!).ToList();

    public static string Kind(JsonNode entry) => entry["kind"]!.GetValue<string>();

    public static DateTimeOffset Time(JsonNode entry, string field) => DateTimeOffset.Parse(entry[field]!.GetValue<string>(), CultureInfo.InvariantCulture);

    public static string Id(JsonNode node) => node["id"]!.GetValue<string>();

    public static IReadOnlyList<string> Strings(JsonNode? list) => list!.AsArray().Select(f => f!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();

    /// <summary>The owning force system withdraws an incident it reported.</summary>
    public static async Task RetractsAsync(this Region region, Force force, string forceReference, string reason = "Reported in error")
    {
        var answer = await region.Service.PostAsAsync(TestCaller.ForceSystem(force), ContractOperations.Text(ContractOperations.RetractIncident), new { forceReference, reason });
        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
        var payload = answer.Data!["retractIncident"]!;
        Assert.True(payload["errors"]!.AsArray().Count == 0 && payload["incident"]!["retracted"]!.GetValue<bool>(), payload.ToJsonString());
    }
}
