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
