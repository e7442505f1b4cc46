using System.Globalization;
using System.Runtime.Versioning;
using ErsouIntel.Api.Hosting;
using Npgsql;

namespace ErsouIntel.Benchmark.Phases;

/// <summary>
/// A synchronous hot standby of the bench cluster, made for the replica phase (<c>--replica</c>) in a folder of its own
/// beside the cluster's, and always taken down again: while <c>synchronous_standby_names</c> names it, every commit on the
/// cluster waits for it, so a standby left stopped with the setting in place would hang every later commit.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class BenchStandby
{
    private readonly string adminConnectionString;
    private readonly TextWriter log;

    private BenchStandby(string adminConnectionString, string folder, int port, TextWriter log)
    {
        this.adminConnectionString = adminConnectionString;
        Folder = folder;
        Port = port;
        this.log = log;
    }

    public string Folder { get; }

    public int Port { get; }

    /// <summary>The cluster's folder: the script names it (ERSOU_BENCH_CLUSTER); else the repository's .local/postgres.</summary>
    public static string PrimaryFolder(BenchOptions options) =>
        Environment.GetEnvironmentVariable("ERSOU_BENCH_CLUSTER") is { Length: > 0 } named
            ? Path.GetFullPath(named)
            : Path.Combine(options.RepoRoot, ".local", "postgres");

    /// <summary>Where the standby lives: beside the cluster's folder, so a fallback (scripts/benchmark.sh) finds it too.</summary>
    public static string FolderFor(string primaryFolder) =>
        Path.Combine(Path.GetDirectoryName(primaryFolder.TrimEnd(Path.DirectorySeparatorChar))!, "postgres-bench-standby");

    /// <summary>
    /// Makes and starts the standby (pg_basebackup of the whole cluster) and makes it synchronous. A standby folder left by
    /// a run that was killed outright is taken down first. On failure whatever was made is removed again.
    /// </summary>
    public static async Task<BenchStandby> StartAsync(BenchOptions options, TextWriter log, CancellationToken cancellation)
    {
        var primaryFolder = PrimaryFolder(options);
        var adminPort = new NpgsqlConnectionStringBuilder(options.AdminConnectionString).Port;
        var clusterPort = File.Exists(Path.Combine(primaryFolder, "port"))
            ? int.Parse((await File.ReadAllTextAsync(Path.Combine(primaryFolder, "port"), cancellation)).Trim(), CultureInfo.InvariantCulture)
            : -1;
        // The standby is made from the folder's cluster: it must be the one the admin connection measures.
        if (clusterPort != adminPort)
        {
            throw new BenchFailure($"--replica: the cluster in {primaryFolder} (port {clusterPort}) is not the one the admin connection reaches (port {adminPort}); set ERSOU_BENCH_CLUSTER to its folder.");
        }

        var folder = FolderFor(primaryFolder);
        var standby = new BenchStandby(options.AdminConnectionString, folder, 0, log);
        if (Directory.Exists(folder))
        {
            log.WriteLine($"A standby folder from an earlier run is there ({folder}): taking it down first.");
            await standby.StopAsync();
        }

        try
        {
            var connection = await LocalPostgres.StartStandbyAsync(primaryFolder, folder, log, synchronous: true, cancellation);
            return new BenchStandby(options.AdminConnectionString, folder, new NpgsqlConnectionStringBuilder(connection).Port, log);
        }
        catch
        {
            await standby.StopAsync();
            throw;
        }
    }

    /// <summary>The standby's connection to <paramref name="database"/>, as the admin user (for pg_stat_statements).</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(adminConnectionString) { Port = Port, Database = database, Pooling = false }.ConnectionString;

    /// <summary>The standby's postmaster, from its data folder's postmaster.pid (first line): its processes' CPU is counted from it.</summary>
    public int Postmaster() =>
        int.Parse(File.ReadLines(Path.Combine(Folder, "data", "postmaster.pid")).First().Trim(), CultureInfo.InvariantCulture);

    /// <summary>
    /// Commits stop waiting for a standby (the setting reset on the primary, reloaded), then the standby is stopped and its
    /// folder deleted. Each step is tried even when one before failed; what failed is returned, for the report.
    /// </summary>
    public async Task<List<string>> StopAsync()
    {
        var problems = new List<string>();
        try
        {
            await using var connection = new NpgsqlConnection(adminConnectionString);
            await connection.OpenAsync();
            await using var reset = new NpgsqlCommand("alter system reset synchronous_standby_names", connection);
            await reset.ExecuteNonQueryAsync();
            await using var reload = new NpgsqlCommand("select pg_reload_conf()", connection);
            await reload.ExecuteNonQueryAsync();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            problems.Add($"could not reset synchronous_standby_names on the primary: {e.Message} (run `alter system reset synchronous_standby_names; select pg_reload_conf()` by hand)");
        }

        if (File.Exists(Path.Combine(Folder, "data", "postmaster.pid")))
        {
            try
            {
                LocalPostgres.Control(Folder, "stop -m fast", log);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
            {
                problems.Add($"could not stop the standby in {Folder}: {e.Message}");
            }
        }

        try
        {
            if (Directory.Exists(Folder))
            {
                Directory.Delete(Folder, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"could not delete {Folder}: {e.Message}");
        }

        foreach (var problem in problems)
        {
            log.WriteLine(problem);
        }

        return problems;
    }
}
