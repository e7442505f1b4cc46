using System.Globalization;
using Npgsql;

namespace ErsouIntel.Api.Hosting;

/// <summary>Streaming standbys of a local cluster, and the controls a failover drill needs (tests and the benchmark).</summary>
public static partial class LocalPostgres
{
    /// <summary>
    /// Makes <paramref name="standbyFolder"/> a streaming hot standby of the local cluster running in
    /// <paramref name="primaryFolder"/> (<c>pg_basebackup -R</c> over loopback), starts it, and when
    /// <paramref name="synchronous"/> makes the primary's commits wait for it (<c>synchronous_standby_names = '*'</c>).
    /// Returns the standby's connection string.
    /// </summary>
    public static async Task<string> StartStandbyAsync(string primaryFolder, string standbyFolder, TextWriter log, bool synchronous, CancellationToken cancellation = default)
    {
        var bin = FindBinaries(log);
        var runAs = Environment.UserName == "root" ? EnsureServiceUser(log) : null;
        var primaryPort = int.Parse(await File.ReadAllTextAsync(Path.Combine(primaryFolder, "port"), cancellation), CultureInfo.InvariantCulture);
        var password = (await File.ReadAllTextAsync(Path.Combine(primaryFolder, "password"), cancellation)).Trim();
        var data = Path.Combine(standbyFolder, "data");
        Directory.CreateDirectory(standbyFolder);
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }

        await File.WriteAllTextAsync(Path.Combine(standbyFolder, "password"), password, cancellation);
        GiveTo(runAs, standbyFolder);
        // -R writes primary_conninfo and standby.signal; -X stream brings the WAL written during the copy with it.
        Run(runAs, Path.Combine(bin, "pg_basebackup"),
            $"-d \"host=127.0.0.1 port={primaryPort} user={SuperUser} password={password} application_name=standby\" -D \"{data}\" -R -X stream -c fast", log);

        var port = FreeLoopbackPort();
        // The primary's settings with the standby's own port and socket folder. hot_standby_feedback: long link questions
        // on the standby are not cancelled by the primary's vacuum, and replay does not wait behind them.
        var settings = (await File.ReadAllTextAsync(Path.Combine(primaryFolder, "options"), cancellation))
            .Replace($"-p {primaryPort}", $"-p {port}", StringComparison.Ordinal)
            .Replace($"unix_socket_directories='{primaryFolder}'", $"unix_socket_directories='{standbyFolder}'", StringComparison.Ordinal)
            + " -c hot_standby_feedback=on";
        await File.WriteAllTextAsync(Path.Combine(standbyFolder, "options"), settings, cancellation);
        GiveTo(runAs, standbyFolder);
        Start(runAs, bin, standbyFolder, settings, log);
        await File.WriteAllTextAsync(Path.Combine(standbyFolder, "port"), port.ToString(CultureInfo.InvariantCulture), cancellation);

        var primary = ConnectionString(primaryPort, password);
        if (synchronous)
        {
            await using var connection = new NpgsqlConnection(primary);
            await connection.OpenAsync(cancellation);
            await using var set = new NpgsqlCommand("alter system set synchronous_standby_names = '*'", connection);
            await set.ExecuteNonQueryAsync(cancellation);
            await using var reload = new NpgsqlCommand("select pg_reload_conf()", connection);
            await reload.ExecuteNonQueryAsync(cancellation);
        }

        await WaitForStreamingAsync(primary, synchronous, cancellation);
        log.WriteLine($"Started a {(synchronous ? "synchronous" : "asynchronous")} standby of 127.0.0.1:{primaryPort} at 127.0.0.1:{port} (data in {data}).");
        return ConnectionString(port, password);
    }

    /// <summary>Runs <c>pg_ctl</c> on a local cluster: <c>stop -m fast</c>, <c>stop -m immediate</c> (a crash), <c>promote</c>.</summary>
    public static void Control(string folder, string command, TextWriter log)
    {
        var runAs = Environment.UserName == "root" ? EnsureServiceUser(log) : null;
        Run(runAs, Path.Combine(FindBinaries(log), "pg_ctl"), $"{command} -D \"{Path.Combine(folder, "data")}\" -w -t 60", log);
    }

    /// <summary>Starts a stopped local cluster again with the settings it last started with.</summary>
    public static void Resume(string folder, TextWriter log)
    {
        var runAs = Environment.UserName == "root" ? EnsureServiceUser(log) : null;
        Start(runAs, FindBinaries(log), folder, File.ReadAllText(Path.Combine(folder, "options")), log);
    }

    private static async Task WaitForStreamingAsync(string primary, bool synchronous, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        await using var connection = new NpgsqlConnection(primary);
        await connection.OpenAsync(cancellation);
        await using var streaming = new NpgsqlCommand(
            "select count(*) from pg_stat_replication where state = 'streaming' and ($1 = false or sync_state = 'sync')", connection);
        streaming.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = synchronous });
        while ((long)(await streaming.ExecuteScalarAsync(cancellation))! == 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("The standby did not start streaming within 60 s.");
            }

            await Task.Delay(100, cancellation);
        }
    }
}
