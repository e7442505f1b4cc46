using ErsouIntel.Api.Access;
using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Identity;
using ErsouIntel.Api.Links;
using ErsouIntel.Api.Links.Questions;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Common;
using ErsouIntel.Domain.Watches;
using Marten;

namespace ErsouIntel.Api.Watches;

/// <summary>What placing or ending a watch came to: the watch as it now stands, whether anything was written, or why not.</summary>
/// <param name="Refused">The records a start by id named that the caller may not see, for the log's REFUSED entry.</param>
public sealed record WatchChange(Watch? Watch, bool Written, IReadOnlyList<UserError> Errors, IReadOnlyList<LoggedRecord> Refused);

/// <summary>
/// <c>watch</c>, <c>unwatch</c>, <c>watches</c>: a stream per watch in the watcher's force's tenant, its
/// snapshot (<see cref="Watch"/>) kept inline, so the watcher's live watches are one query of their own tenant.
/// </summary>
public sealed class WatchWork(IDocumentStore store, LinkStarts starts, TimeProvider clock)
{
    public const string RecordType = "Watch";

    private static readonly Dictionary<EntityKind, string> NodeKinds = new()
    {
        [EntityKind.PhoneNumber] = "PHONE",
        [EntityKind.Vehicle] = "VEHICLE",
        [EntityKind.Courier] = EntityView.Courier,
        [EntityKind.Suspect] = EntityView.Suspect,
    };

    public async Task<WatchChange> PlaceAsync(Caller caller, Force force, WatchInput input, CancellationToken cancellation)
    {
        if (!NodeKinds.TryGetValue(input.Entity.Kind, out var nodeKind))
        {
            return new WatchChange(null, false, [UserError.At(UserErrorCodes.BadUserInput, "A watch is on a PHONE_NUMBER, VEHICLE, COURIER or SUSPECT, not an INCIDENT.", "entity", "kind")], []);
        }

        // Resolving reads no record it returns; the scope only gathers the ids it names but may not show.
        var resolving = new AccessScope(caller, force, input.Purpose, input.Justification);
        var start = await starts.ResolveAsync(resolving, input.Entity, cancellation);
        if (start.IsEmpty)
        {
            // A service id the caller may not see answers as one that names nothing. A number, registration or PNC ID
            // no record holds yet has no node to watch: placing it waits until a record carries it.
            return new WatchChange(null, false, [UserError.At(UserErrorCodes.NotFound, "No entity you can watch has this key.", "entity", "key")], [.. resolving.RefusedRecords]);
        }

        var node = Guid.TryParse(start.Canonical, out var id) && start.Nodes.Contains(id) ? id : start.Nodes[0];
        var actor = new Actor(caller.Subject, force);
        var now = clock.GetUtcNow();
        await using var session = store.LightweightSession(force.TenantId());
        var live = await session.Query<Watch>().CountAsync(LiveOf(caller.Subject, now), cancellation);
        var watchId = Guid.CreateVersion7();
        var (events, errors) = Watch.Decide(new PlaceWatch(
            watchId, nodeKind, node, start.Canonical, input.Purpose, input.Justification, input.Note, input.ExpiresAt, actor, now, live));
        if (errors.Count > 0)
        {
            return new WatchChange(null, false, errors, []);
        }

        session.Events.StartStream<Watch>(watchId, [.. events]);
        await session.SaveChangesAsync(cancellation);
        return new WatchChange(Watch.From((WatchPlaced)events[0]), true, [], []);
    }

    public async Task<WatchChange> EndAsync(Caller caller, Force force, string asked, CancellationToken cancellation)
    {
        var actor = new Actor(caller.Subject, force);
        await using var session = store.LightweightSession(force.TenantId());

        // Only the caller's own force's tenant is read: another force's watch is not there, and answers as none.
        var state = Guid.TryParse(asked, out var id) ? await session.LoadAsync<Watch>(id, cancellation) : null;
        var (events, errors) = Watch.Decide(state, new EndWatch(actor, clock.GetUtcNow()));
        if (errors.Count > 0)
        {
            return new WatchChange(null, false, errors, []);
        }

        if (events.Count == 0)
        {
            return new WatchChange(state, false, [], []);
        }

        session.Events.Append(id, [.. events]);
        await session.SaveChangesAsync(cancellation);
        return new WatchChange(events.Aggregate(state, Watch.Evolve), true, [], []);
    }

    /// <summary>The watcher's live watches, oldest first. Ended and expired ones raise nothing and are not listed.</summary>
    public async Task<IReadOnlyList<Watch>> LiveAsync(Actor actor, CancellationToken cancellation)
    {
        var now = clock.GetUtcNow();
        await using var session = store.QuerySession(actor.Force!.Value.TenantId());
        return await session.Query<Watch>()
            .Where(LiveOf(actor.Subject, now))
            .OrderBy(w => w.CreatedAt)
            .ThenBy(w => w.Id)
            .ToListAsync(cancellation);
    }

    /// <summary><see cref="Watch.IsLiveAt"/> for one watcher, as Marten can turn it into SQL: for the limit and the list alike.</summary>
    private static System.Linq.Expressions.Expression<Func<Watch, bool>> LiveOf(string watcher, DateTimeOffset now) =>
        w => w.Watcher == watcher && w.EndedAt == null && w.ExpiresAt > now;
}
