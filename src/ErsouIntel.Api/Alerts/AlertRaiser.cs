using System.Text.Json;
using ErsouIntel.Api.Links;
using ErsouIntel.Api.Storage;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Alerts;
using ErsouIntel.Domain.Incidents;
using ErsouIntel.Domain.Watches;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using Npgsql;

namespace ErsouIntel.Api.Alerts;

/// <summary>
/// Raises alerts: a subscription of Marten's async daemon (HotCold: one instance at a time) over the
/// reports and amendments, in the order they were stored. It reads what each push touched (the watches
/// on what it newly carries, the matches it joined, the open cases that share its entities), lets
/// <see cref="AlertRules"/> decide, and records the alerts in the outbox (<see cref="AlertSchema"/>)
/// in the daemon's transaction with its progress, so each is recorded once; a <c>NOTIFY</c> with the
/// newest position wakes every instance's <see cref="AlertFeed"/>.
/// </summary>
public sealed class AlertRaiser(IServiceProvider services, NpgsqlDataSource db, LinkGraphApplyOptions linkGraph, ILogger<AlertRaiser> logger) : SubscriptionBase
{
    public const string SubscriptionName = "Alerts";

    // Resolved when a page arrives, not when the daemon builds the subscription inside the store's own construction.
    private IDocumentStore Store => services.GetRequiredService<IDocumentStore>();

    private sealed record Pushed(Push Push, Guid StreamId, string TenantId, IncidentDetails Details);

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        var cancellation = cancellationToken;
        var pushes = page.Events.Select(PushOf).OfType<Pushed>().ToList();
        if (pushes.Count == 0)
        {
            return NullChangeListener.Instance;
        }

        // With the daemon applying the link graph too, the graph must hold these pushes before they are read against it.
        if (linkGraph.Apply == LinkGraphApply.Daemon)
        {
            await AlertReads.LinkGraphReachedAsync(db, page.SequenceCeiling, logger, cancellation);
        }

        var before = await PreviousDetailsAsync(pushes, cancellation);
        var nodes = pushes.SelectMany(p => AlertRules.CarriedBy(p.Details)).Concat(before.Values.SelectMany(AlertRules.CarriedBy)).ToHashSet();
        var entities = await AlertReads.EntitiesAsync(db, nodes, cancellation);
        IEnumerable<(Guid Entity, bool Person)> Resolve(IncidentDetails? details) => details is null ? [] :
            AlertRules.CarriedBy(details).Where(entities.ContainsKey).Select(n => (entities[n], n.Person));

        // A person is the key nodes their sightings join: a sighting resolves to a watched person when it shares a sighting
        // with the node the watch names. What the push's own incident joins counts for after the push, not before it.
        // Only the joins that reach a watched person can raise anything, so only those are read: without them the
        // read walks every sighting of every crew member the page names, which grows with the graph, not the page.
        var people = await AlertReads.PeopleAsync(
            db,
            pushes.SelectMany(p => Resolve(p.Details).Concat(Resolve(before.GetValueOrDefault(p.Push))).Where(e => e.Person).Select(e => (e.Entity, p.Push.IncidentId))).ToHashSet(),
            await WatchedPeopleAsync(cancellation),
            cancellation);
        IReadOnlySet<Guid> Reach(Pushed pushed, IncidentDetails? details, bool after) =>
            Resolve(details).SelectMany(e => e.Person ? people.Joined(e.Entity, pushed.Push.IncidentId, after) : [e.Entity]).ToHashSet();

        var carried = pushes.ToDictionary(p => p.Push, p => Resolve(p.Details).Select(e => e.Entity).ToHashSet());
        var newly = pushes.ToDictionary(p => p.Push, p => (IReadOnlySet<Guid>)Reach(p, p.Details, true).Except(Reach(p, before.GetValueOrDefault(p.Push), false)).ToHashSet());

        var watches = await WatchesOnAsync(newly.Values.SelectMany(e => e).ToHashSet(), cancellation);
        var matches = await AlertReads.MatchesOfAsync(db, pushes.Select(p => p.Push.IncidentId).ToHashSet(), cancellation);
        var members = await AlertReads.CaseMembersAsync(db, pushes.Where(p => p.Push.IsNew).SelectMany(p => carried[p.Push]).ToHashSet(), cancellation);
        var investigators = await AlertReads.InvestigatorsAsync(db, matches.SelectMany(m => m.FirstStored.Keys).ToHashSet(), cancellation);

        // The forces known for each match, as this page leaves them: a second push of the page onto the same match sees the first's.
        var recorded = new Dictionary<Guid, HashSet<Force>>();
        foreach (var match in matches.Where(m => m.Recorded is not null))
        {
            recorded[match.Id] = [.. match.Recorded!];
        }

        var raised = new List<object>();
        var matchForces = new List<object>();
        foreach (var pushed in pushes)
        {
            var push = pushed.Push;
            var gained = new List<MatchGained>();
            foreach (var match in matches.Where(m => m.IncidentId == push.IncidentId))
            {
                var (involved, raises) = AlertRules.MatchAtPush(push, match.FirstStored, recorded.GetValueOrDefault(match.Id), match.OnCase);
                recorded[match.Id] = [.. recorded.GetValueOrDefault(match.Id) ?? [], .. involved];
                matchForces.AddRange(involved.Select(f => new { matchId = match.Id, force = f.TenantId() }));
                if (raises)
                {
                    gained.Add(new MatchGained(match.Id, involved.SelectMany(f => investigators[f]).ToHashSet()));
                }
            }

            var onCases = push.IsNew ? carried[push].SelectMany(e => members[e]).Where(m => m.IncidentId != push.IncidentId).Select(m => m.Subject) : [];
            foreach (var alert in AlertRules.Raise(push, newly[push], watches, gained, onCases))
            {
                raised.Add(new
                {
                    id = Guid.CreateVersion7(),
                    recipient = alert.Recipient,
                    kind = AlertKinds.Name(alert.Kind),
                    incidentId = push.IncidentId,
                    incidentVersion = push.Version,
                    at = push.RecordedAt,
                    watchId = alert.WatchId,
                    matchId = alert.MatchId,
                });
            }
        }

        if (matchForces.Count > 0)
        {
            operations.QueueSqlCommand(
                "insert into ersou.alert_match_forces(match_id, force) select x.\"matchId\", x.force from jsonb_to_recordset(?::jsonb) x(\"matchId\" uuid, force text) on conflict do nothing",
                JsonSerializer.Serialize(matchForces));
        }

        if (raised.Count > 0)
        {
            operations.QueueSqlCommand(
                """
                insert into ersou.alerts(id, recipient, kind, incident_id, incident_version, at, watch_id, match_id)
                select (a->>'id')::uuid, a->>'recipient', a->>'kind', (a->>'incidentId')::uuid, (a->>'incidentVersion')::bigint,
                       (a->>'at')::timestamptz, (a->>'watchId')::uuid, (a->>'matchId')::uuid
                  from jsonb_array_elements(?::jsonb) with ordinality x(a, n)
                 order by x.n
                on conflict (recipient, kind, incident_id, incident_version) do nothing
                """,
                JsonSerializer.Serialize(raised));
            // Delivered at commit: the listeners read from their own last position up to this one.
            operations.QueueSqlCommand($"select pg_notify('{AlertSchema.Channel}', coalesce((select max(position) from ersou.alerts), 0)::text)");
        }

        return NullChangeListener.Instance;
    }

    private static Pushed? PushOf(IEvent @event) => @event.Data switch
    {
        IncidentReported e => new Pushed(new Push(e.IncidentId, @event.Version, e.Force, e.ReportedAt, true), @event.StreamId, @event.TenantId, e.Details),
        IncidentAmended e => new Pushed(new Push(e.IncidentId, @event.Version, Forces.FromTenantId(@event.TenantId), e.AmendedAt, false), @event.StreamId, @event.TenantId, e.Details),
        _ => null,
    };

    /// <summary>What each amendment's incident carried before it: from the page when the earlier version is there, else from its stream.</summary>
    private async Task<Dictionary<Push, IncidentDetails>> PreviousDetailsAsync(IReadOnlyList<Pushed> pushes, CancellationToken cancellation)
    {
        var previous = new Dictionary<Push, IncidentDetails>();
        var latest = new Dictionary<Guid, Pushed>();
        foreach (var pushed in pushes)
        {
            if (!pushed.Push.IsNew)
            {
                if (latest.TryGetValue(pushed.StreamId, out var earlier) && earlier.Push.Version < pushed.Push.Version)
                {
                    previous[pushed.Push] = earlier.Details;
                }
                else if (await StoredDetailsAsync(pushed, cancellation) is { } stored)
                {
                    previous[pushed.Push] = stored;
                }
            }

            latest[pushed.StreamId] = pushed;
        }

        return previous;
    }

    private async Task<IncidentDetails?> StoredDetailsAsync(Pushed pushed, CancellationToken cancellation)
    {
        await using var session = Store.QuerySession(pushed.TenantId);
        var events = await session.Events.FetchStreamAsync(pushed.StreamId, pushed.Push.Version - 1, token: cancellation);
        return events.Select(e => e.Data).Reverse().Select(d => d switch
        {
            IncidentReported r => r.Details,
            IncidentAmended a => a.Details,
            _ => null,
        }).FirstOrDefault(d => d is not null);
    }

    /// <summary>The nodes of every watch on a courier or a suspect, live or not (a superset does no harm; the watches are decided later).</summary>
    private async Task<IReadOnlyCollection<Guid>> WatchedPeopleAsync(CancellationToken cancellation)
    {
        await using var session = Store.QuerySession(Force.Bedfordshire.TenantId());
        var nodes = await session.Query<Watch>()
            .Where(w => w.AnyTenant() && (w.NodeKind == "COURIER" || w.NodeKind == "SUSPECT"))
            .Select(w => w.Node)
            .ToListAsync(cancellation);
        return nodes.ToHashSet();
    }

    private async Task<IReadOnlyList<Watch>> WatchesOnAsync(HashSet<Guid> entities, CancellationToken cancellation)
    {
        if (entities.Count == 0)
        {
            return [];
        }

        var ids = entities.ToArray();
        await using var session = Store.QuerySession(Force.Bedfordshire.TenantId());
        return await session.Query<Watch>().Where(w => w.AnyTenant() && w.Node.IsOneOf(ids)).ToListAsync(cancellation);
    }
}
