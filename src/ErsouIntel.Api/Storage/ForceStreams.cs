using ErsouIntel.Domain;
using Marten;

namespace ErsouIntel.Api.Storage;

/// <summary>
/// With a database per force the region's read model follows the force databases through the async
/// daemon: a stream written a moment ago may not be there yet. Commands that must see it (a case just
/// opened, an incident just reported) find it in the force databases themselves.
/// </summary>
public sealed class ForceStreams(IDocumentStore store, ForceDatabases forces)
{
    public bool PerForce => forces.PerForce;

    /// <summary>The force whose database holds <paramref name="streamId"/>, or null (always null when the store is shared).</summary>
    public async Task<Force?> FindAsync(Guid streamId, CancellationToken cancellation)
    {
        if (!forces.PerForce)
        {
            return null;
        }

        foreach (var force in forces.Databases.Keys)
        {
            await using var session = store.QuerySession(force.TenantId());
            if (await session.Events.FetchStreamStateAsync(streamId, cancellation) is not null)
            {
                return force;
            }
        }

        return null;
    }

    /// <summary>The events of <paramref name="streamId"/> in <paramref name="force"/>'s database.</summary>
    public async Task<IReadOnlyList<object>> EventsAsync(Force force, Guid streamId, CancellationToken cancellation)
    {
        await using var session = store.QuerySession(force.TenantId());
        var events = await session.Events.FetchStreamAsync(streamId, token: cancellation);
        return events.Select(e => e.Data).ToList();
    }

    /// <summary>How long a command's answer waits for the region to catch up before answering with what it has.</summary>
    public static readonly TimeSpan CatchUpWait = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Waits (at most <see cref="CatchUpWait"/>) until the async daemon has carried everything now in
    /// <paramref name="force"/>'s database into the region, so the answer to a command reads what it wrote, as it
    /// does with the shared store. Returns false when it did not catch up in time (the answer may then be older).
    /// Nothing to wait for when the store is shared.
    /// </summary>
    public async Task<bool> WaitForRegionAsync(Force force, CancellationToken cancellation)
    {
        if (!forces.PerForce)
        {
            return true;
        }

        await using var session = store.QuerySession(force.TenantId());
        var written = (await session.AdvancedSql.QueryAsync<long>("select coalesce(max(seq_id), 0) from ersou.mt_events", cancellation)).Single();
        var deadline = DateTimeOffset.UtcNow + CatchUpWait;
        var pause = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            // Every async shard's progress in this database (the high-water mark is the daemon's own, not a projection).
            var applied = (await session.AdvancedSql.QueryAsync<long>(
                "select coalesce(min(last_seq_id), -1) from ersou.mt_event_progression where name <> 'HighWaterMark'", cancellation)).Single();
            if (applied >= written)
            {
                return true;
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(pause, cancellation);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 250));
        }
    }
}
