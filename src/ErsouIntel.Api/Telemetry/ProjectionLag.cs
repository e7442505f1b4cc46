using Marten;
using Npgsql;

namespace ErsouIntel.Api.Telemetry;

/// <summary>
/// Samples how far each async projection shard is behind the event store: the highest stored
/// event sequence minus the shard's progression (<c>ersou.mt_event_progression</c>), for gauge
/// <c>ersou.projection.lag</c>. Every instance samples the same rows, so the gauge reads the same
/// whichever instance holds the daemon, and keeps rising when none does. Inline mode has no shard
/// rows, hence no series. With a database per force each force database keeps its own shard's
/// position against its own events: each is read there and named <c>shard@FORCE</c>.
/// </summary>
public sealed partial class ProjectionLag(NpgsqlDataSource db, IDocumentStore store, IConfiguration configuration, ILogger<ProjectionLag> logger) : BackgroundService
{
    private const string Sql =
        "select p.name, greatest((select coalesce(max(seq_id), 0) from ersou.mt_events) - p.last_seq_id, 0) " +
        "from ersou.mt_event_progression p where p.name <> 'HighWaterMark'";

    /// <summary>Reads the lag of every shard once.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> ReadAsync(NpgsqlDataSource db, CancellationToken cancellation)
    {
        var lag = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var command = db.CreateCommand(Sql);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            lag[reader.GetString(0)] = reader.GetInt64(1);
        }

        return lag;
    }

    /// <summary>Reads the lag of every shard in every database of the store once (<see cref="ReadAsync"/> when there is one database).</summary>
    public static async Task<IReadOnlyDictionary<string, long>> ReadAllAsync(IDocumentStore store, NpgsqlDataSource db, CancellationToken cancellation)
    {
        var databases = await store.Storage.AllDatabases();
        if (databases.Count <= 1)
        {
            return await ReadAsync(db, cancellation);
        }

        var lag = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var database in databases)
        {
            await using var connection = database.CreateConnection();
            await connection.OpenAsync(cancellation);
            await using var command = new NpgsqlCommand(Sql, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
#pragma warning disable CS0618 // Identifier is the force's tenant id here (AddSingleTenantDatabase); Id names the server and database instead
                lag[$"{reader.GetString(0)}@{database.Identifier}"] = reader.GetInt64(1);
#pragma warning restore CS0618
            }
        }

        return lag;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = configuration.GetValue<TimeSpan?>("Telemetry:ProjectionLagEvery") ?? TimeSpan.FromSeconds(10);
        using var timer = new PeriodicTimer(every);
        do
        {
            try
            {
                ErsouMetrics.ProjectionLagSampled(await ReadAllAsync(store, db, stoppingToken));
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                // The database away, or its schema not applied yet: the gauge keeps its last reading.
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sampling the projection lag failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
