using ErsouIntel.Api.Links;
using ErsouIntel.Api.Telemetry;
using ErsouIntel.Api.Tests.Cases;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using Marten;
using Marten.Events;
using Marten.Events.Daemon.Coordination;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ErsouIntel.Api.Tests.Instances;

/// <summary>The service with <c>LinkGraph:Apply=Daemon</c>: the link graph applied by the async daemon (HotCold).</summary>
public sealed class DaemonService : ServiceFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["LinkGraph:Apply"] = "Daemon",
        ["LinkGraph:LeadershipPolling"] = "00:00:01",
        ["Telemetry:ProjectionLagEvery"] = "00:00:00.200",
    };

    public IProjectionCoordinator Coordinator => Services.GetRequiredService<IProjectionCoordinator>();

    /// <summary>Waits, bounded, until the daemon has applied every stored event.</summary>
    public Task CaughtUpAsync() => Services.GetRequiredService<IDocumentStore>().WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
}

public sealed class DaemonModeTests(DaemonService service) : IClassFixture<DaemonService>
{
    private readonly Region region = new(service);

    [Fact]
    public async Task Replaying_every_event_over_the_graph_changes_nothing_and_a_rebuild_makes_it_again_row_for_row()
    {
        // A graph with every kind of row: matches across forces, people by PNC ID and by name and
        // birth date, an amendment, a retraction, a case with incidents, members and a closing.
        var shared = CaseSteps.NewPhoneNumber();
        var courier = AnIncident.CourierNamed("Dean Marsh", "1999-02-03", registration: "AB12 CDE", pncId: "99/123456A");
        var herts = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier("HT/DAEMON/1", phones: [shared], couriers: [courier]));
        var essex = await region.ReportedAsync(Force.Essex, AnIncident.Courier("EX/DAEMON/1", phones: [shared, CaseSteps.NewPhoneNumber()]));
        var suffolk = await region.ReportedAsync(Force.Suffolk, AnIncident.Courier("SK/DAEMON/1", couriers: [courier, AnIncident.CourierDescribed("Tall, grey coat")]));
        await region.ReportedAsync(Force.Essex, AnIncident.Courier("EX/DAEMON/1", phones: [shared], handling: "C"));
        await region.ReportedAsync(Force.Norfolk, AnIncident.Courier("NK/DAEMON/1", phones: [shared]));
        await region.RetractsAsync(Force.Norfolk, "NK/DAEMON/1");
        await service.CaughtUpAsync();

        var investigator = CaseSteps.Investigator(Force.Hertfordshire);
        var caseId = await region.OpensCaseAsync(investigator, CaseSteps.Unique("OP-DAEMON"));
        await service.CaughtUpAsync();
        CaseSteps.Accepted(await region.AttachesAsync(investigator, caseId, herts));
        CaseSteps.Accepted(await region.AddsMemberAsync(investigator, caseId, CaseSteps.Investigator(Force.Essex).Subject));
        await region.ReportedAsync(Force.Cambridgeshire, AnIncident.Courier("CB/DAEMON/1", phones: [shared]));
        CaseSteps.Accepted(await region.ClosesAsync(investigator, caseId));
        await service.CaughtUpAsync();
        var before = await LinkGraphSnapshot.TakeAsync(service.ConnectionString);
        Assert.Contains(before, row => row.StartsWith("li_matches: PHONE", StringComparison.Ordinal));
        Assert.Contains(before, row => row.StartsWith("li_cases: ", StringComparison.Ordinal) && row.Contains("CLOSED", StringComparison.Ordinal));
        Assert.Contains(before, row => row.StartsWith("li_incidents: " + essex, StringComparison.Ordinal));

        // The daemon's progress forgotten (no row is the start): every event applied a second time over the
        // graph. One incident's row is removed first, so only a replay that really ran makes the graph whole.
        await service.Coordinator.PauseAsync();
        await ExecuteAsync("delete from ersou.mt_event_progression where name = 'LinkGraph:All'");
        await ExecuteAsync($"delete from ersou.li_incidents where id = '{suffolk}'");
        await service.Coordinator.ResumeAsync();
        await service.CaughtUpAsync();
        LinkGraphSnapshot.Equal(before, await LinkGraphSnapshot.TakeAsync(service.ConnectionString), "replaying every event over the graph");

        // The operator's rebuild (the hosted daemon paused, as the instances would be stopped): the tables
        // are emptied first, so a row no event made does not survive it.
        await ExecuteAsync(
            "insert into ersou.li_incidents(id, force, force_reference, handling, category, occurred_at, reported_at, updated_at, retracted, version, details) " +
            "values (gen_random_uuid(), 'ESSEX', 'EX/NOT-AN-EVENT', 'P', 'COURIER_FRAUD', now(), now(), now(), false, 1, '{}')");
        await service.Coordinator.PauseAsync();
        var said = new StringWriter();
        var exit = await LinkGraphRebuild.RunAsync(service.Services, ["--timeout", "00:01:00"], said, said);
        await service.Coordinator.ResumeAsync();
        Assert.True(exit == 0, said.ToString());
        await service.CaughtUpAsync();
        LinkGraphSnapshot.Equal(before, await LinkGraphSnapshot.TakeAsync(service.ConnectionString), "rebuilding the link graph");
    }

    [Fact]
    public async Task While_no_instance_runs_the_daemon_pushes_are_kept_the_lag_shows_them_and_they_are_linked_when_one_does()
    {
        await service.CaughtUpAsync();
        await service.Coordinator.PauseAsync();
        string[] ids;
        try
        {
            var shared = CaseSteps.NewPhoneNumber();
            ids =
            [
                await region.ReportedAsync(Force.Bedfordshire, AnIncident.Courier("BD/LAG/1", phones: [shared])),
                await region.ReportedAsync(Force.Norfolk, AnIncident.Courier("NK/LAG/1", phones: [shared])),
                await region.ReportedAsync(Force.Suffolk, AnIncident.Courier("SK/LAG/1", phones: [shared])),
            ];

            await using var db = NpgsqlDataSource.Create(service.ConnectionString);
            var lag = await ProjectionLag.ReadAsync(db, CancellationToken.None);
            Assert.True(lag.TryGetValue("LinkGraph:All", out var behind) && behind >= 3, $"lag: {string.Join(", ", lag)}");
            Assert.True(await GaugeReachesAsync(3), "ersou.projection.lag{projection=LinkGraph:All} never showed the 3 events waiting.");
            Assert.Equal(0L, await CountAsync($"select count(*) from ersou.li_incidents where id in ('{string.Join("','", ids)}')"));
        }
        finally
        {
            await service.Coordinator.ResumeAsync();
        }

        await service.CaughtUpAsync();
        await using var after = NpgsqlDataSource.Create(service.ConnectionString);
        Assert.Equal(0L, (await ProjectionLag.ReadAsync(after, CancellationToken.None))["LinkGraph:All"]);
        Assert.Equal(3L, await CountAsync($"select count(*) from ersou.li_incidents where id in ('{string.Join("','", ids)}')"));
        Assert.Equal(3L, await CountAsync(
            $"select count(*) from ersou.li_match_incidents mi join ersou.li_matches m on m.id = mi.match_id where mi.incident_id in ('{string.Join("','", ids)}') and cardinality(m.forces) = 3"));
    }

    /// <summary>Reads gauge <c>ersou.projection.lag</c> as a metrics exporter would, until it shows at least <paramref name="events"/> (bounded).</summary>
    private static async Task<bool> GaugeReachesAsync(long events)
    {
        long seen = -1;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ErsouMetrics.MeterName && instrument.Name == "ersou.projection.lag")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "projection" && Equals(tag.Value, "LinkGraph:All"))
                {
                    Interlocked.Exchange(ref seen, value);
                }
            }
        });
        listener.Start();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            listener.RecordObservableInstruments();
            if (Interlocked.Read(ref seen) >= events)
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
