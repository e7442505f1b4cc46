using ErsouIntel.Api.Storage.Replicas;
using Npgsql;

namespace ErsouIntel.Api.Tests.Replicas;

/// <summary>The replica rules below HTTP: which standby may read, when writes are refused, how far a standby has caught up.</summary>
public sealed class ReplicationRulesTests
{
    private const long Second = 1_000;
    private const long MaxLag = 5 * Second;

    [Theory]
    [InlineData("", 0)]
    [InlineData("  ", 0)]
    [InlineData("*", 1)]
    [InlineData("s1, s2", 1)]
    [InlineData("2 (s1, s2, s3)", 2)]
    [InlineData("FIRST 2 (s1, s2, s3)", 2)]
    [InlineData("any 1 (s1, s2)", 1)]
    [InlineData("ANY 3 (*)", 3)]
    public void A_commit_waits_for_as_many_synchronous_standbys_as_synchronous_standby_names_says(string names, int needed) =>
        Assert.Equal(needed, ReplicationRules.SynchronousNeeded(names));

    [Fact]
    public void Writes_are_refused_without_a_primary_or_with_too_few_synchronous_standbys_and_taken_when_the_role_cannot_see()
    {
        Assert.Equal("no primary answers", ReplicationRules.WhyNoWrites(new ReplicationView(false, 0, null, [])));
        Assert.Equal("too few synchronous standbys stream", ReplicationRules.WhyNoWrites(new ReplicationView(true, 1, 0, [])));
        Assert.Null(ReplicationRules.WhyNoWrites(new ReplicationView(true, 1, 1, [])));
        Assert.Null(ReplicationRules.WhyNoWrites(new ReplicationView(true, 0, 0, [])));
        // Without pg_monitor the count is unknown: PostgreSQL's own wait decides, the service does not guess.
        Assert.Null(ReplicationRules.WhyNoWrites(new ReplicationView(true, 1, null, [])));
    }

    [Fact]
    public void A_standby_caught_up_to_the_latest_primary_sample_its_replay_has_passed()
    {
        (long, long)[] samples = [(10 * Second, 100), (11 * Second, 200), (12 * Second, 300)];
        Assert.Equal(11 * Second, ReplicationRules.CaughtUpAt(samples, replayLsn: 250, before: null));
        Assert.Equal(12 * Second, ReplicationRules.CaughtUpAt(samples, replayLsn: 300, before: null));
        Assert.Null(ReplicationRules.CaughtUpAt(samples, replayLsn: 50, before: null));
        // Never earlier than it was: a sample trimmed away does not make a standby look further behind.
        Assert.Equal(11 * Second, ReplicationRules.CaughtUpAt([(12 * Second, 300)], replayLsn: 250, before: 11 * Second));
    }

    [Fact]
    public void Reads_go_to_a_standby_within_the_lag_that_has_the_callers_write_else_to_the_primary()
    {
        var now = 100 * Second;
        var current = new StandbyView("current", true, now - Second);
        var lagging = new StandbyView("lagging", true, now - (6 * Second));
        var lost = new StandbyView("lost", false, now);
        var view = new ReplicationView(true, 1, 1, [current, lagging, lost]);

        Assert.Equal("current", ReplicationRules.ChooseStandby(view, now, MaxLag, callerWroteAt: null, turn: 7));
        Assert.Equal("current", ReplicationRules.ChooseStandby(view, now, MaxLag, callerWroteAt: now - (2 * Second), turn: 0));
        // The caller wrote after the standby's view: the primary.
        Assert.Null(ReplicationRules.ChooseStandby(view, now, MaxLag, callerWroteAt: now - (Second / 2), turn: 0));
        Assert.Null(ReplicationRules.ChooseStandby(view with { Standbys = [lagging, lost] }, now, MaxLag, null, 0));
        Assert.Null(ReplicationRules.ChooseStandby(view with { Standbys = [new StandbyView("never", true, null)] }, now, MaxLag, null, 0));

        var two = view with { Standbys = [current, current with { Host = "other" }] };
        Assert.Equal(["current", "other"], Enumerable.Range(0, 2).Select(turn => ReplicationRules.ChooseStandby(two, now, MaxLag, null, (uint)turn)).Order());
    }

    [Fact]
    public void A_probe_that_ran_out_of_time_is_a_busy_standby_and_one_refused_is_a_lost_one()
    {
        Assert.True(ReplicationRules.OnlyTimedOut(new NpgsqlException("Exception while reading from stream", new TimeoutException())));
        Assert.True(ReplicationRules.OnlyTimedOut(new TimeoutException()));
        Assert.False(ReplicationRules.OnlyTimedOut(new NpgsqlException("Failed to connect to 127.0.0.1:5433", new System.Net.Sockets.SocketException(111))));
        Assert.False(ReplicationRules.OnlyTimedOut(new InvalidOperationException("No suitable host")));
    }

    [Fact]
    public void Each_host_of_a_multi_host_connection_string_gets_one_of_its_own_without_target_session_attributes()
    {
        const string all = "Host=db1:5432, db2:5433;Database=ersou;Username=svc;Password=pw;Target Session Attributes=primary;Load Balance Hosts=true";
        Assert.Equal(["db1:5432", "db2:5433"], DatabaseHosts.HostNames(all));
        Assert.Equal(["db1"], DatabaseHosts.HostNames("Host=db1;Database=ersou"));

        var one = new NpgsqlConnectionStringBuilder(DatabaseHosts.OneHost(new NpgsqlConnectionStringBuilder(all), "db2:5433", probe: true));
        Assert.Equal("db2:5433", one.Host);
        Assert.Equal(("ersou", "svc", "pw"), (one.Database, one.Username, one.Password));
        Assert.Null(one.TargetSessionAttributes);
        Assert.False(one.LoadBalanceHosts);
        Assert.Equal((2, 5, 5), (one.MaxPoolSize, one.Timeout, one.CommandTimeout));
    }
}
