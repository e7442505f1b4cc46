using System.Collections.Concurrent;
using Npgsql;

namespace ErsouIntel.Api.Storage.Replicas;

/// <summary>
/// Where link questions, searches and lists read: a standby in the read set when there is one, else the primary.
/// The choice is made once per GraphQL operation (<see cref="ForOperation"/>), so every statement of one answer reads
/// one host's view. Code outside a GraphQL query (the alert raiser, subscriptions, the console's own pages) reads the
/// primary: only a query, which says whose it is, is routed.
/// <para>
/// Read-your-writes: a caller who has written reads from the primary until a standby has replayed everything the primary
/// held when their write was answered (the monitor's samples say when). The marks live in this instance: with several
/// instances a caller keeps them by reaching the same one (docs/operations.md, "Replicas").
/// </para>
/// </summary>
public sealed class ReadSource(DatabaseHosts hosts, ReplicaMonitor monitor, TimeProvider clock)
{
    private static readonly AsyncLocal<NpgsqlDataSource?> Chosen = new();

    private readonly ConcurrentDictionary<string, long> lastWrites = new(StringComparer.Ordinal);
    private uint turn;
    private long lastPruned;

    /// <summary>The data source of the operation under way; the primary outside one.</summary>
    public NpgsqlDataSource Current => Chosen.Value ?? hosts.Primary;

    public NpgsqlCommand CreateCommand(string? sql = null) => Current.CreateCommand(sql);

    public ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellation) => Current.OpenConnectionAsync(cancellation);

    /// <summary>
    /// Fixes the source for the rest of the calling async flow (a GraphQL operation): the primary for a mutation (its
    /// answer shows what it wrote), else a standby fit for <paramref name="subject"/>.
    /// </summary>
    public void ForOperation(string? subject, bool writes) => Chosen.Value = writes ? hosts.Primary : Choose(subject);

    /// <summary>Marks a caller as having written just now: their reads wait for a standby that has replayed it.</summary>
    public void Wrote(string? subject)
    {
        if (subject is null || !hosts.Replicated)
        {
            return;
        }

        var now = clock.GetTimestamp();
        lastWrites[subject] = now;
        // A mark older than the longest lag a readable standby may have is met by every standby in the read set: those
        // are dropped, by one writer at most once per that lag (not on every write once there are many writers).
        var pruned = Interlocked.Read(ref lastPruned);
        if (now - pruned > monitor.MaxLagTicks && Interlocked.CompareExchange(ref lastPruned, now, pruned) == pruned)
        {
            foreach (var (who, at) in lastWrites)
            {
                if (now - at > monitor.MaxLagTicks)
                {
                    lastWrites.TryRemove(new KeyValuePair<string, long>(who, at));
                }
            }
        }
    }

    /// <summary>Whether the standby named served this flow's reads (for a retry on the primary when it fails).</summary>
    public string? StandbyInUse => Chosen.Value is { } chosen && chosen != hosts.Primary
        ? hosts.Hosts.FirstOrDefault(h => h.Reads == chosen)?.Name
        : null;

    private NpgsqlDataSource Choose(string? subject)
    {
        if (!hosts.Replicated)
        {
            return hosts.Primary;
        }

        long? wrote = subject is not null && lastWrites.TryGetValue(subject, out var at) ? at : null;
        var standby = ReplicationRules.ChooseStandby(monitor.View, clock.GetTimestamp(), monitor.MaxLagTicks, wrote, Interlocked.Increment(ref turn));
        Telemetry.ErsouMetrics.ReadRouted(standby is null ? "primary" : "standby");
        return standby is null ? hosts.Primary : hosts.Hosts.First(h => h.Name == standby).Reads;
    }
}
