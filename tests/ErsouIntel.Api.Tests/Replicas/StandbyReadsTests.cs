using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Tests.Replicas;

/// <summary>
/// One primary and one synchronous standby on loopback: link questions are read on the standby, a caller reads their
/// own write at once, and a standby that falls behind leaves the read set until it catches up.
/// </summary>
public sealed class StandbyReadsTests(ReplicatedService service) : IClassFixture<ReplicatedService>
{
    private static readonly TestCaller Alice = TestCaller.Investigator(Force.Essex, "alice");
    private static readonly TestCaller Bob = TestCaller.Investigator(Force.Essex, "bob");

    private readonly ReplicaSteps steps = new(service);

    [Fact]
    public async Task Link_questions_are_answered_from_the_standby_while_their_access_log_entries_go_to_the_primary()
    {
        await steps.Region.ReportedAsync(Force.Suffolk, AnIncident.Courier("SK/REPLICA/1", phones: ["07700 900321"]));
        await steps.ReplicationBecomesAsync("Healthy");
        var standby = service.Servers.StandbyAdmins[0];
        const string Logged = "select count(*) from ersou.access_log where operation = 'PhoneNumberProfile'";
        Assert.Equal(["0"], await service.RowsOnAsync(service.Servers.PrimaryAdmin, Logged));

        for (var i = 0; i < 5; i++)
        {
            var profile = await steps.Region.ReadsAsync(Bob, ContractOperations.PhoneNumberProfile, new { phone = "+447700900321" });
            Assert.Contains("SK/REPLICA/1", profile.ToJsonString(), StringComparison.Ordinal);
        }

        // The standby's own sessions show the questions' statements; the primary holds their five log entries.
        Assert.True(await steps.ServiceSessionsOnAsync(standby) > 0, "no session of the service on the standby ran its SQL");
        Assert.True(int.Parse((await service.RowsOnAsync(service.Servers.PrimaryAdmin, Logged))[0], System.Globalization.CultureInfo.InvariantCulture) >= 5);
    }

    [Fact]
    public async Task A_caller_reads_their_own_write_at_once_others_see_it_once_the_standby_has_it_and_a_stalled_standby_leaves_the_read_set()
    {
        await steps.ReplicationBecomesAsync("Healthy");
        var standby = service.Servers.StandbyAdmins[0];
        await service.RowsOnAsync(standby, "select pg_wal_replay_pause()");
        try
        {
            // The standby receives the case but does not show it: replay is paused.
            var opened = await steps.Region.OpensCaseAsync(Alice, "ES/RYW/1");

            Assert.True(await steps.SeesCaseAsync(Alice, opened), "the writer did not read their own write");
            Assert.False(await steps.SeesCaseAsync(Bob, opened), "another caller's read did not come from the (paused) standby");

            // Stalled longer than Replication:MaxReadLag (3 s here): out of the read set, and everyone reads the primary.
            await steps.ReplicationBecomesAsync("Degraded");
            Assert.True(await steps.SeesCaseAsync(Bob, opened), "a stalled standby still served reads");
        }
        finally
        {
            await service.RowsOnAsync(standby, "select pg_wal_replay_resume()");
        }

        await steps.ReplicationBecomesAsync("Healthy");
        var later = await steps.Region.OpensCaseAsync(Alice, "ES/RYW/2");
        Assert.True(await steps.SeesCaseAsync(Alice, later));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await steps.SeesCaseAsync(Bob, later))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the standby never showed the second case");
            await Task.Delay(50);
        }
    }
}
