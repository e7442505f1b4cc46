using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Npgsql;

namespace ErsouIntel.Api.Alerts;

/// <summary>A subscriber read too slowly and its buffer filled: its stream ends, and it reconnects with the last id it saw.</summary>
public sealed class AlertFeedOverflowException() : Exception("Alerts arrived faster than this subscriber read them; reconnect with the last alert id seen to receive the rest.");

/// <summary>
/// Each instance's view of the outbox (<see cref="AlertSchema"/>): one connection that LISTENs on
/// <see cref="AlertSchema.Channel"/>; a notification (or, when none comes, a periodic look) makes it read
/// the alerts after the last position it read, in order, and hand each to its recipient's live
/// subscribers on this instance. A notification missed while the connection was down is repaired by
/// that position: nothing is read twice or skipped. Subscribers never hold a database session.
/// </summary>
public sealed partial class AlertFeed(NpgsqlDataSource db, ILogger<AlertFeed> logger) : BackgroundService
{
    /// <summary>How many undelivered alerts one subscriber may have waiting before its stream ends (it then resumes from its last id).</summary>
    public const int Buffer = 256;

    /// <summary>How often the outbox is looked at when no notification comes: the longest a lost notification delays an alert.</summary>
    public static readonly TimeSpan Sweep = TimeSpan.FromSeconds(5);

    private const int Page = 1000;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Channel<AlertRecord>, byte>> listeners = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long read;

    /// <summary>The number of live subscribers on this instance.</summary>
    public int Subscribers => listeners.Values.Sum(l => l.Count);

    /// <summary>The position of one of <paramref name="recipient"/>'s alerts, or null when they have none with this id.</summary>
    public async Task<long?> PositionOfAsync(string recipient, Guid id, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand("select position from ersou.alerts where id = $1 and recipient = $2");
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(recipient);
        return await command.ExecuteScalarAsync(cancellation) as long?;
    }

    /// <summary>
    /// <paramref name="recipient"/>'s alerts: first those recorded after <paramref name="after"/> (a position; none
    /// when null), then each new one as it is recorded, on any instance, until cancelled.
    /// </summary>
    public async IAsyncEnumerable<AlertRecord> FollowAsync(string recipient, long? after, [EnumeratorCancellation] CancellationToken cancellation)
    {
        await started.Task.WaitAsync(cancellation);
        var channel = Channel.CreateBounded<AlertRecord>(new BoundedChannelOptions(Buffer) { SingleReader = true, SingleWriter = true });
        var mine = listeners.GetOrAdd(recipient, _ => new());
        mine[channel] = 0;
        try
        {
            // Listening before replaying: an alert recorded meanwhile is in the channel, and skipped there if replayed.
            var last = after ?? long.MaxValue;
            if (after is { } from)
            {
                await foreach (var missed in MissedAsync(recipient, from, cancellation))
                {
                    last = missed.Position;
                    yield return missed;
                }
            }

            await foreach (var alert in channel.Reader.ReadAllAsync(cancellation))
            {
                if (last == long.MaxValue || alert.Position > last)
                {
                    last = alert.Position;
                    yield return alert;
                }
            }
        }
        finally
        {
            mine.TryRemove(channel, out _);
        }
    }

    private async IAsyncEnumerable<AlertRecord> MissedAsync(string recipient, long after, [EnumeratorCancellation] CancellationToken cancellation)
    {
        while (true)
        {
            await using var command = db.CreateCommand($"select {AlertRecord.Columns} from ersou.alerts a where a.recipient = $1 and a.position > $2 order by a.position limit {Page}");
            command.Parameters.AddWithValue(recipient);
            command.Parameters.AddWithValue(after);
            var rows = await AlertRecord.ReadAsync(command, cancellation);
            foreach (var row in rows)
            {
                yield return row;
            }

            if (rows.Count < Page)
            {
                yield break;
            }

            after = rows[^1].Position;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await db.OpenConnectionAsync(stoppingToken);
                var woken = 0;
                connection.Notification += (_, _) => Interlocked.Exchange(ref woken, 1);
                await using (var listen = new NpgsqlCommand($"listen {AlertSchema.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                if (!started.Task.IsCompleted)
                {
                    // Subscribers get what is recorded from now on (and what they missed, by their own position).
                    await using var newest = new NpgsqlCommand("select coalesce(max(position), 0) from ersou.alerts", connection);
                    read = (long)(await newest.ExecuteScalarAsync(stoppingToken))!;
                    started.TrySetResult();
                }

                while (!stoppingToken.IsCancellationRequested)
                {
                    await DispatchNewAsync(connection, stoppingToken);
                    if (Interlocked.Exchange(ref woken, 0) == 0)
                    {
                        await connection.WaitAsync(Sweep, stoppingToken);
                    }

                    Interlocked.Exchange(ref woken, 0);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                LogListenLost(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    private async Task DispatchNewAsync(NpgsqlConnection connection, CancellationToken stopping)
    {
        while (true)
        {
            await using var command = new NpgsqlCommand($"select {AlertRecord.Columns} from ersou.alerts a where a.position > $1 order by a.position limit {Page}", connection);
            command.Parameters.AddWithValue(read);
            var rows = await AlertRecord.ReadAsync(command, stopping);
            foreach (var row in rows)
            {
                if (listeners.TryGetValue(row.Recipient, out var mine))
                {
                    foreach (var channel in mine.Keys)
                    {
                        if (!channel.Writer.TryWrite(row))
                        {
                            channel.Writer.TryComplete(new AlertFeedOverflowException());
                        }
                    }
                }

                read = row.Position;
            }

            if (rows.Count < Page)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The alert feed lost its database connection; reconnecting and reading on from its last position.")]
    private static partial void LogListenLost(ILogger logger, Exception exception);
}
