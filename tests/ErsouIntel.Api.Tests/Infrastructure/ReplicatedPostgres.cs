using ErsouIntel.Api.Hosting;
using Npgsql;

// The replica drills run the machine's PostgreSQL binaries, as the local test cluster does: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace ErsouIntel.Api.Tests.Infrastructure;

/// <summary>
/// A primary and streaming standbys made from the machine's PostgreSQL binaries on loopback ports
/// (<c>pg_basebackup</c>), synchronous (<c>synchronous_standby_names = '*'</c>: a commit waits for one standby), of
/// one test class's own: its drills stop, crash and promote them.
/// </summary>
public sealed class ReplicatedPostgres : IAsyncDisposable
{
    private readonly string folder;

    private ReplicatedPostgres(string folder, string primaryAdmin, IReadOnlyList<string> standbyAdmins)
    {
        this.folder = folder;
        PrimaryAdmin = primaryAdmin;
        StandbyAdmins = standbyAdmins;
    }

    public string PrimaryAdmin { get; }

    public IReadOnlyList<string> StandbyAdmins { get; }

    public string PrimaryFolder => Path.Combine(folder, "primary");

    public string StandbyFolder(int standby) => Path.Combine(folder, $"standby{standby}");

    public static async Task<ReplicatedPostgres> StartAsync(string owner, int standbys = 1)
    {
        var root = RepositoryRoot.Find() ?? throw new InvalidOperationException("the repository root was not found above " + AppContext.BaseDirectory);
        var folder = Path.Combine(root, ".local", "postgres-replicas", $"{owner.ToLowerInvariant()}-{Guid.NewGuid():N}"[..40]);
        // The test cluster's settings (no fsync: a process killed loses nothing the OS holds), but commits wait for the
        // standby as a production primary's do.
        var primary = await LocalPostgres.EnsureRunningAsync(Path.Combine(folder, "primary"), Console.Out, forTests: true, moreSettings: "-c synchronous_commit=on");
        var admins = new List<string>();
        for (var i = 0; i < standbys; i++)
        {
            admins.Add(await LocalPostgres.StartStandbyAsync(Path.Combine(folder, "primary"), Path.Combine(folder, $"standby{i}"), Console.Out, synchronous: true));
        }

        return new ReplicatedPostgres(folder, primary, admins);
    }

    /// <summary>The service's connection string: every host, in Npgsql's multi-host form, primary first.</summary>
    public string MultiHost(string database)
    {
        var hosts = new[] { PrimaryAdmin }.Concat(StandbyAdmins).Select(admin => new NpgsqlConnectionStringBuilder(admin)).Select(b => $"{b.Host}:{b.Port}");
        return new NpgsqlConnectionStringBuilder(PrimaryAdmin) { Host = string.Join(',', hosts), Port = 5432, Database = database, MaxPoolSize = 40 }.ConnectionString;
    }

    public string On(string admin, string database) => new NpgsqlConnectionStringBuilder(admin) { Database = database, Pooling = false }.ConnectionString;

    public void StopStandby(int standby) => LocalPostgres.Control(StandbyFolder(standby), "stop -m fast", Console.Out);

    public void StartStandby(int standby) => LocalPostgres.Resume(StandbyFolder(standby), Console.Out);

    /// <summary>The primary's server killed as a machine loss would: no shutdown checkpoint, clients cut off.</summary>
    public void CrashPrimary() => LocalPostgres.Control(PrimaryFolder, "stop -m immediate", Console.Out);

    public void Promote(int standby) => LocalPostgres.Control(StandbyFolder(standby), "promote", Console.Out);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        foreach (var cluster in new[] { PrimaryFolder }.Concat(StandbyAdmins.Select((_, i) => StandbyFolder(i))))
        {
            try
            {
                LocalPostgres.Control(cluster, "stop -m immediate", TextWriter.Null);
            }
            catch (InvalidOperationException)
            {
                // Already stopped by the drill.
            }
        }

        await Task.Run(() => Directory.Delete(folder, recursive: true));
    }
}

/// <summary>The service on a primary with synchronous standbys of its own, reached through the multi-host connection string.</summary>
public class ReplicatedService : ServiceFixture
{
    public const string Database = "ersou";

    public ReplicatedPostgres Servers { get; private set; } = null!;

    protected virtual int Standbys => 1;

    protected override async Task<string> CreateDatabaseAsync()
    {
        Servers = await ReplicatedPostgres.StartAsync(GetType().Name, Standbys);
        await DevelopmentDatabase.EnsureDatabaseAsync(Servers.PrimaryAdmin, Database);
        return Servers.On(Servers.PrimaryAdmin, Database);
    }

    protected override Task DropDatabaseAsync() => Servers.DisposeAsync().AsTask();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:Postgres"] = Servers.MultiHost(Database),
        ["Replication:PollInterval"] = "00:00:00.100",
        ["Replication:MaxReadLag"] = "00:00:03",
    };

    /// <summary>Rows of a query on one server of the pair (sorted, as <see cref="TestPostgres.RowsAsync"/> gives them).</summary>
    public Task<List<string>> RowsOnAsync(string admin, string sql) => TestPostgres.RowsAsync(Servers.On(admin, Database), sql);
}
