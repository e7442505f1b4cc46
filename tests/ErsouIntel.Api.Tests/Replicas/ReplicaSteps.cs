using System.Diagnostics;
using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Tests.Replicas;

/// <summary>What the replica tests do to the service and its servers, in their words.</summary>
public sealed class ReplicaSteps(ReplicatedService service)
{
    public const string CaseById = "query($id: ID!, $purpose: Purpose!, $why: String!) { access(purpose: $purpose, justification: $why) { case(id: $id) { id } } }";

    private readonly Region region = new(service);

    public Region Region => region;

    /// <summary>Whether <paramref name="investigator"/> is shown the case (null when the host that served the read has not got it).</summary>
    public async Task<bool> SeesCaseAsync(TestCaller investigator, string id)
    {
        var answer = await service.PostAsAsync(investigator, CaseById, new { id, purpose = "INVESTIGATION", why = Region.Why });
        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
        return answer.Data!["access"]!["case"] is JsonObject;
    }

    /// <summary>The replication check of <c>/health/ready</c>: its status and description.</summary>
    public async Task<(string Status, string Description)> ReplicationHealthAsync()
    {
        using var ready = await service.Http.GetAsync("/health/ready");
        var check = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!["checks"]!["replication"]!;
        return (check["status"]!.GetValue<string>(), check["description"]!.GetValue<string>());
    }

    /// <summary>Waits (up to 20 s) until the replication check reports <paramref name="status"/>.</summary>
    public async Task ReplicationBecomesAsync(string status)
    {
        var clock = Stopwatch.StartNew();
        var last = await ReplicationHealthAsync();
        while (last.Status != status)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"replication stayed {last.Status}: {last.Description}");
            await Task.Delay(100);
            last = await ReplicationHealthAsync();
        }
    }

    /// <summary>Client backends on a server that ran the service's own SQL (every statement names schema <c>ersou</c>; the monitor's do not).</summary>
    public async Task<int> ServiceSessionsOnAsync(string admin) =>
        (await service.RowsOnAsync(admin,
            $"select pid from pg_stat_activity where datname = '{ReplicatedService.Database}' and backend_type = 'client backend' " +
            "and pid <> pg_backend_pid() and query like '%ersou.%'")).Count;

    /// <summary>Incidents stored per force reference, on one server: each reference once, or it was duplicated.</summary>
    public async Task<Dictionary<string, int>> StoredReferencesAsync(string admin) =>
        (await service.RowsOnAsync(admin, "select force_reference, count(*) from ersou.li_incidents group by force_reference"))
            .Select(row => row.Split(" | ")).ToDictionary(r => r[0], r => int.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A force system that pushes incidents one after another and resends each until it is acknowledged.</summary>
    public sealed class Pusher(ServiceFixture service, Force force, string prefix)
    {
        public List<(string Reference, TimeSpan At)> Acknowledged { get; } = [];

        public List<string> Refusals { get; } = [];

        public async Task RunAsync(Stopwatch clock, CancellationToken stop)
        {
            var report = ContractOperations.Text(ContractOperations.ReportIncident);
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var reference = $"{prefix}/{i}";
                var input = AnIncident.Courier(reference, phones: ["07700 900777"]);
                while (true)
                {
                    try
                    {
                        var answer = await service.PostAsAsync(TestCaller.ForceSystem(force), report, new { input });
                        if (answer.Status == 200 && answer.Errors is null)
                        {
                            Acknowledged.Add((reference, clock.Elapsed));
                            break;
                        }

                        Refusals.Add($"{clock.Elapsed.TotalSeconds:0.00}s {answer.Status} retry-after={answer.Headers.RetryAfter?.Delta} {answer.Errors?.ToJsonString()}");
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        Refusals.Add($"{clock.Elapsed.TotalSeconds:0.00}s {e.GetType().Name}");
                    }

                    // A force system's resend: the same incident again, later (the service answers UNCHANGED if it had it).
                    // Given up only when the test is over and long past: that incident was never acknowledged.
                    if (stop.IsCancellationRequested && clock.Elapsed > TimeSpan.FromSeconds(90))
                    {
                        return;
                    }

                    await Task.Delay(200, CancellationToken.None);
                }
            }
        }
    }
}
