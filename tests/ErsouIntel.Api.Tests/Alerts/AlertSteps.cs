using System.Diagnostics;
using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Infrastructure;

namespace ErsouIntel.Api.Tests.Alerts;

/// <summary>Watching, and reading one's alerts through the contract's own operations.</summary>
public static class AlertSteps
{
    public const string Why = "Numbers used in the Stevenage courier fraud series";

    /// <summary>Alerts are raised by the daemon after the push is acknowledged: how long a test waits for one.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static object Phone(string number) => new { kind = "PHONE_NUMBER", key = number };

    public static async Task<string> WatchesAsync(this ServiceFixture service, TestCaller investigator, object entity)
    {
        var answer = await service.PostAsAsync(investigator, ContractOperations.Text(ContractOperations.Watch),
            new { input = new { entity, purpose = "INVESTIGATION", justification = Why } });
        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
        var payload = answer.Data!["watch"]!;
        Assert.True(payload["errors"]!.AsArray().Count == 0, payload.ToJsonString());
        return payload["watch"]!["id"]!.GetValue<string>();
    }

    /// <summary>One page of the investigator's alerts (the contract's <c>Alerts</c> operation): the connection.</summary>
    public static async Task<JsonNode> AlertPageAsync(this ServiceFixture service, TestCaller investigator, int? first = null, string? after = null)
    {
        var answer = await service.PostAsAsync(investigator, ContractOperations.Text("Alerts"), new { first, after, purpose = "INVESTIGATION", why = Why });
        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
        return answer.Data!["access"]!["alerts"]!;
    }

    public static async Task<List<JsonNode>> AlertsAsync(this ServiceFixture service, TestCaller investigator) =>
        [.. (await service.AlertPageAsync(investigator, first: 200))["edges"]!.AsArray().Select(e => e!["node"]!)];

    /// <summary>The investigator's alerts once at least <paramref name="count"/> have been raised (newest first); fails after <see cref="Patience"/>.</summary>
    public static async Task<List<JsonNode>> AlertsOnceAsync(this ServiceFixture service, TestCaller investigator, int count)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var alerts = await service.AlertsAsync(investigator);
            if (alerts.Count >= count)
            {
                return alerts;
            }

            Assert.True(clock.Elapsed < Patience, $"{investigator.Subject} had {alerts.Count} alerts after {Patience.TotalSeconds} s, expected {count}.");
            await Task.Delay(100);
        }
    }

    public static string Kind(JsonNode alert) => alert["kind"]!.GetValue<string>();

    public static string Reference(JsonNode alert) => alert["pointer"]!["forceReference"]!.GetValue<string>();
}
