using Npgsql;

namespace ErsouIntel.Api.Storage.Replicas;

/// <summary>
/// The hosts of <c>ConnectionStrings:Postgres</c>, in Npgsql's multi-host form (<c>Host=db1:5432,db2:5432;...</c>),
/// as data sources. <see cref="Primary"/> is Npgsql's own choice among them with target session attributes: it finds
/// the primary, and finds the new one after a promotion, without a restart. Each host also has a data source of its
/// own, for the standby reads and for the replica monitor's probes: Npgsql's <c>PreferStandby</c> would pick a
/// lagging standby as readily as a current one, and cannot say which host a connection reached.
/// </summary>
public sealed class DatabaseHosts : IAsyncDisposable
{
    private DatabaseHosts(NpgsqlDataSource primary, NpgsqlDataSource primaryProbe, IReadOnlyList<DatabaseHost> hosts)
    {
        Primary = primary;
        PrimaryProbe = primaryProbe;
        Hosts = hosts;
    }

    /// <summary>Writes, the async daemon and the access log: always the primary.</summary>
    public NpgsqlDataSource Primary { get; }

    /// <summary>The replica monitor's way to the primary: Npgsql's choice too, but a small pool of its own, not behind the requests'.</summary>
    public NpgsqlDataSource PrimaryProbe { get; }

    /// <summary>Every host named, when more than one is; empty for a single server (no monitor, no standby reads).</summary>
    public IReadOnlyList<DatabaseHost> Hosts { get; }

    public bool Replicated => Hosts.Count > 1;

    /// <param name="connectionString">The connection string as configured (JIT already turned off by the caller).</param>
    public static DatabaseHosts From(string connectionString)
    {
        var names = HostNames(connectionString);
        if (names.Count <= 1)
        {
            var single = new NpgsqlDataSourceBuilder(connectionString).Build();
            return new DatabaseHosts(single, single, []);
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // Npgsql remembers each host's role for Host Recheck Seconds (10 by default): after a promotion writes would wait
        // that long for Npgsql to look again. One second, unless the connection string says otherwise.
        // (NpgsqlConnectionStringBuilder.ContainsKey answers for every keyword it knows; a plain builder holds only what was written.)
        var written = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!written.ContainsKey("Host Recheck Seconds") && !written.ContainsKey("HostRecheckSeconds"))
        {
            builder.HostRecheckSeconds = 1;
        }

        var primary = new NpgsqlDataSourceBuilder(builder.ConnectionString).BuildMultiHost().WithTargetSession(TargetSessionAttributes.Primary);
        var probe = new NpgsqlDataSourceBuilder(Probing(new NpgsqlConnectionStringBuilder(builder.ConnectionString)).ConnectionString)
            .BuildMultiHost().WithTargetSession(TargetSessionAttributes.Primary);
        var hosts = names.Select(name => new DatabaseHost(
            name,
            new NpgsqlDataSourceBuilder(OneHost(builder, name, probe: false)).Build(),
            new NpgsqlDataSourceBuilder(OneHost(builder, name, probe: true)).Build())).ToList();
        return new DatabaseHosts(primary, probe, hosts);
    }

    /// <summary>The hosts of a connection string, as written (each may carry its port: <c>db2:5433</c>).</summary>
    public static IReadOnlyList<string> HostNames(string connectionString) =>
        (new NpgsqlConnectionStringBuilder(connectionString).Host ?? "")
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The connection string of one host: the same database, user and settings, no target session attributes.</summary>
    internal static string OneHost(NpgsqlConnectionStringBuilder all, string host, bool probe)
    {
        var one = new NpgsqlConnectionStringBuilder(all.ConnectionString) { Host = host };
        one.Remove("Target Session Attributes");
        one.Remove("Load Balance Hosts");
        one.Remove("Host Recheck Seconds");
        return (probe ? Probing(one) : one).ConnectionString;
    }

    /// <summary>
    /// A probe must not wait behind the requests for a pooled connection, nor long for a host that has gone; 5 s, not
    /// less: on a saturated server a shorter probe times out while the host is merely busy.
    /// </summary>
    private static NpgsqlConnectionStringBuilder Probing(NpgsqlConnectionStringBuilder builder)
    {
        builder.MaxPoolSize = 2;
        builder.Timeout = 5;
        builder.CommandTimeout = 5;
        builder.ApplicationName = "ErsouIntel replica monitor";
        return builder;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in Hosts)
        {
            await host.Reads.DisposeAsync();
            await host.Probe.DisposeAsync();
        }

        await Primary.DisposeAsync();
        if (PrimaryProbe != Primary)
        {
            await PrimaryProbe.DisposeAsync();
        }
    }
}

/// <param name="Name">As written in the connection string (it may name a port): the metric's and readiness's label.</param>
public sealed record DatabaseHost(string Name, NpgsqlDataSource Reads, NpgsqlDataSource Probe);
