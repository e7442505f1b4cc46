using System.Diagnostics;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using Npgsql;

namespace ErsouIntel.Api.Tests.Reliability;

/// <summary>A service that reaches its database through a proxy the test can cut.</summary>
public sealed class ServiceBehindAProxy : ServiceFixture
{
    public TcpProxy Proxy { get; private set; } = null!;

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var direct = new NpgsqlConnectionStringBuilder(ConnectionString);
            Proxy = new TcpProxy(direct.Port);
            direct.Port = Proxy.Port;
            direct.Timeout = 3;
            return new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = direct.ConnectionString };
        }
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Proxy.DisposeAsync();
    }
}

public sealed class DatabaseOutageTests(ServiceBehindAProxy service) : IClassFixture<ServiceBehindAProxy>
{
    private readonly Region region = new(service);

    [Fact]
    public async Task While_the_database_is_away_requests_fail_fast_with_503_and_the_service_recovers_by_itself()
    {
        var system = TestCaller.ForceSystem(Force.Suffolk);
        var report = ContractOperations.Text(ContractOperations.ReportIncident);
        await region.ReportedAsync(Force.Suffolk, AnIncident.Courier("SK/OUT/1", phones: ["07700 900555"]));

        service.Proxy.Down();
        try
        {
            var clock = Stopwatch.StartNew();
            var during = await service.PostAsAsync(system, report, new { input = AnIncident.Courier("SK/OUT/2", phones: ["07700 900555"]) });
            var elapsed = clock.Elapsed;
            using var ready = await service.Http.GetAsync("/health/ready");

            Assert.Equal(503, during.Status);
            Assert.True(during.Headers.RetryAfter?.Delta > TimeSpan.Zero, during.ToString());
            Assert.Equal("INTERNAL", during.FirstErrorCode);
            Assert.False(during.HasDataKey);
            Assert.True(elapsed < TimeSpan.FromSeconds(10), $"The refusal took {elapsed}.");
            Assert.Equal(503, (int)ready.StatusCode);
        }
        finally
        {
            service.Proxy.Up();
        }

        // Back without a restart: ready again, the resent push is taken, and the graph is whole.
        var recovered = await RetryAsync(() => service.PostAsAsync(system, report, new { input = AnIncident.Courier("SK/OUT/2", phones: ["07700 900555"]) }));
        Assert.Equal("CREATED", recovered.Data!["reportIncident"]!["outcome"]!.GetValue<string>());
        using var readyAgain = await service.Http.GetAsync("/health/ready");
        Assert.Equal(200, (int)readyAgain.StatusCode);

        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync();
        await using var streams = new NpgsqlCommand("select count(distinct stream_id) from ersou.mt_events where type = 'incident_reported'", connection);
        await using var linked = new NpgsqlCommand("select count(*) from ersou.li_incidents", connection);
        Assert.Equal(2L, (long)(await streams.ExecuteScalarAsync())!);
        Assert.Equal(2L, (long)(await linked.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Ten_seconds_without_the_database_under_load_lose_nothing_and_store_nothing_twice()
    {
        var report = ContractOperations.Text(ContractOperations.ReportIncidents);
        var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var refusals = 0;
        var outage = Stopwatch.StartNew();
        service.Proxy.Down();
        using var restore = new Timer(_ => service.Proxy.Up(), null, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);

        // Three force systems keep pushing batches through the outage, resending whatever was not acknowledged.
        var clients = new[] { Force.Essex, Force.Norfolk, Force.Cambridgeshire }.Select(async force =>
        {
            for (var batch = 0; batch < 8; batch++)
            {
                var inputs = Enumerable.Range(0, 20).Select(i => AnIncident.Courier($"{force.TenantId()[..2]}/LOAD/{batch}/{i}", phones: ["07700 900666"])).ToList();
                for (var attempt = 0; ; attempt++)
                {
                    var answer = await service.PostAsAsync(TestCaller.ForceSystem(force), report, new { inputs });
                    if (answer.Status == 200 && answer.Errors is null)
                    {
                        foreach (var payload in answer.Data!["reportIncidents"]!.AsArray())
                        {
                            acknowledged.AddOrUpdate(payload!["incident"]!["forceReference"]!.GetValue<string>() + "|" + force, 1, (_, n) => n + 1);
                        }

                        break;
                    }

                    Assert.Equal(503, answer.Status);
                    Interlocked.Increment(ref refusals);
                    Assert.True(attempt < 100, "The service did not recover within the test's patience.");
                    await Task.Delay(TimeSpan.FromSeconds(Math.Min(answer.Headers.RetryAfter?.Delta?.TotalSeconds ?? 1, 1)));
                }
            }
        });
        await Task.WhenAll(clients);

        Assert.True(outage.Elapsed >= TimeSpan.FromSeconds(10));
        Assert.True(refusals > 0, "No request met the outage.");
        Assert.Equal(3 * 8 * 20, acknowledged.Count);
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync();
        await using var streams = new NpgsqlCommand("select count(*), count(distinct stream_id) from ersou.mt_events where type = 'incident_reported' and data->>'ForceReference' like '%/LOAD/%'", connection);
        await using var reader = await streams.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(480L, reader.GetInt64(0));
        Assert.Equal(480L, reader.GetInt64(1));
    }

    /// <summary>The first requests after the cut may meet pooled connections that died: a client retries on 503, and so does this.</summary>
    private static async Task<GraphQLAnswer> RetryAsync(Func<Task<GraphQLAnswer>> send)
    {
        for (var attempt = 0; ; attempt++)
        {
            var answer = await send();
            if (answer.Status != 503 || attempt == 5)
            {
                return answer;
            }

            await Task.Delay(500);
        }
    }
}
