using System.Text.Json.Nodes;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Tests.Infrastructure;

/// <summary>
/// Scenario helpers that read like the users' stories: "a Hertfordshire system reports an
/// incident", "an Essex investigator asks for linked couriers". Every call goes through the real
/// HTTP endpoint with the contract's own operations.
/// </summary>
public sealed class Region(ServiceFixture service)
{
    public const string Why = "Investigating courier fraud against elderly victims in the region";

    public ServiceFixture Service => service;

    /// <summary>A force system pushes one incident; returns the payload.</summary>
    public async Task<JsonNode> ReportsAsync(Force force, Dictionary<string, object?> input)
    {
        var answer = await service.PostAsAsync(TestCaller.ForceSystem(force), ContractOperations.Text(ContractOperations.ReportIncident), new { input });
        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
        return answer.Data!["reportIncident"]!;
    }

    /// <summary>A force system pushes one incident that must be stored; returns its id.</summary>
    public async Task<string> ReportedAsync(Force force, Dictionary<string, object?> input)
    {
        var payload = await ReportsAsync(force, input);
        Assert.True(payload["errors"]!.AsArray().Count == 0, payload.ToJsonString());
        return payload["incident"]!["id"]!.GetValue<string>();
    }

    public async Task<JsonArray> ReportsBatchAsync(Force force, IEnumerable<Dictionary<string, object?>> inputs)
    {
        var answer = await service.PostAsAsync(TestCaller.ForceSystem(force), ContractOperations.Text(ContractOperations.ReportIncidents), new { inputs });
        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
        return answer.Data!["reportIncidents"]!.AsArray();
    }

    /// <summary>An investigator runs a contract query inside an access scope.</summary>
    public async Task<GraphQLAnswer> AsksAsync(TestCaller investigator, string operation, object variables)
    {
        var merged = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(variables))!.AsObject();
        merged.TryAdd("purpose", "INVESTIGATION");
        merged.TryAdd("why", Why);
        return await service.PostAsAsync(investigator, ContractOperations.Text(operation), merged);
    }

    /// <summary>As <see cref="AsksAsync"/>, and the answer must have no errors.</summary>
    public async Task<JsonNode> ReadsAsync(TestCaller investigator, string operation, object variables)
    {
        var answer = await AsksAsync(investigator, operation, variables);
        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
        return answer.Data!["access"]!;
    }

    /// <summary>An investigator reads every page of <c>matches</c>; the matches on one key.</summary>
    public async Task<List<JsonNode>> MatchesOnKeyAsync(TestCaller investigator, string key)
    {
        var found = new List<JsonNode>();
        string? after = null;
        do
        {
            var page = (await ReadsAsync(investigator, ContractOperations.Matches, new { first = 200, after }))["matches"]!;
            found.AddRange(page["edges"]!.AsArray().Select(e => e!["node"]!).Where(m => m["key"]!.GetValue<string>() == key));
            after = page["pageInfo"]!["hasNextPage"]!.GetValue<bool>() ? page["pageInfo"]!["endCursor"]!.GetValue<string>() : null;
        }
        while (after is not null);

        return found;
    }

    public async Task<JsonNode> ChangesCaseAsync(TestCaller investigator, string operation, object variables)
    {
        var answer = await service.PostAsAsync(investigator, ContractOperations.Text(operation), variables);
        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
        return answer.Data!.AsObject().First().Value!;
    }

    /// <summary>An investigator opens a case; returns its id.</summary>
    public async Task<string> OpensCaseAsync(TestCaller investigator, string reference, string title = "Courier fraud across the region")
    {
        var payload = await ChangesCaseAsync(investigator, ContractOperations.OpenCase, new { reference, title, operationName = "Operation Doorstep" });
        Assert.True(payload["errors"]!.AsArray().Count == 0, payload.ToJsonString());
        return payload["case"]!["id"]!.GetValue<string>();
    }
}

/// <summary>A valid courier-fraud report to start from, changed field by field in each test.</summary>
public static class AnIncident
{
    public static Dictionary<string, object?> Courier(
        string reference,
        string[]? phones = null,
        object[]? couriers = null,
        string handling = "P",
        string occurredAt = "2024-03-12T14:05:00Z",
        string? summary = null)
    {
        var input = new Dictionary<string, object?>
        {
            ["forceReference"] = reference,
            ["occurredAt"] = occurredAt,
            ["category"] = "COURIER_FRAUD",
            ["impersonated"] = "POLICE",
            ["lossTypes"] = new[] { "BANK_CARD", "PIN" },
            ["location"] = new { town = "Watford", postcodeDistrict = "WD19" },
            ["victimAgeBand"] = "80-89",
            ["summary"] = summary ?? $"Caller posed as a police officer; courier collected the bank card ({reference}).",
            ["phoneNumbers"] = (phones ?? []).Select(p => new { number = p, role = "CALLER" }).ToArray(),
            ["couriers"] = couriers ?? [],
            ["grading"] = handling == "C"
                ? new { source = "RELIABLE", intelligence = "B", handling = "C", conditions = "Not to be disclosed outside policing without the owning force's consent." }
                : (object)new { source = "RELIABLE", intelligence = "B", handling = "P" },
        };
        return input;
    }

    public static object CourierNamed(string name, string dateOfBirth, string? registration = null, string? pncId = null) =>
        new { name, dateOfBirth, vehicleRegistration = registration, pncId, description = "Young man in a dark hooded top" };

    public static object CourierDescribed(string description, string? registration = null) =>
        new { description, vehicleRegistration = registration };
}
