using ErsouIntel.Api.Access;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Api.Incidents;
using ErsouIntel.Api.Incidents.Reading;
using ErsouIntel.Api.Storage.Replicas;
using ErsouIntel.Domain;
using GraphQL.Types;
using Npgsql;

namespace ErsouIntel.Api.Links;

public enum EntityKind { PhoneNumber, Courier, Suspect, Vehicle, Incident }

/// <summary>
/// One node of the link graph as one viewer may be shown it: an entity, or an incident (in full,
/// or withheld as a pointer and nothing else).
/// </summary>
public sealed record LinkNodeView(
    string Id,
    EntityKind Kind,
    string Label,
    bool Withheld,
    IReadOnlyList<Force> Forces,
    RecordPointer? WithheldRecord,
    IncidentRow? Incident,
    EntityView? Courier,
    EntityView? Suspect,
    int Degree,
    Viewer ShownTo) : IShownTo
{
    Viewer? IShownTo.ShownTo => ShownTo;
}

/// <summary>A node of the read model named by what it is: its id, its kind there (<c>PHONE</c>, <c>VEHICLE</c>, <c>COURIER</c>, <c>SUSPECT</c>), its key.</summary>
public readonly record struct EntityNode(Guid Id, string NodeKind, string Key);

/// <summary>
/// Entity nodes (numbers, vehicles, couriers, suspects) as link-graph nodes, for every parent of a
/// level at once: a statement for the couriers, one for the suspects, one for the degrees.
/// </summary>
public sealed class LinkNodes(ReadSource db, EntityQueries people, IncidentQueries incidents)
{
    public static BatchLoader<EntityNode, LinkNodeView> OfEntity { get; } = new(async (services, viewer, nodes, cancellation) =>
        (await services.GetRequiredService<LinkNodes>().EntitiesAsync(viewer, nodes, cancellation)).ToLookup(n => n.Node, n => n.View));

    /// <summary>
    /// Incidents as link-graph nodes, in the order given: in full when the viewer sees them in full
    /// (label: the force reference; degree: the numbers, cars and sightings it carries), otherwise a
    /// pointer and nothing else (label "FORCE REFERENCE", degree 0). Each is noted on the scope as an
    /// incident or as a pointer. Three statements whatever the count.
    /// </summary>
    public async Task<IReadOnlyList<LinkNodeView>> IncidentsAsync(Viewer viewer, IReadOnlyList<Guid> ids, CancellationToken cancellation)
    {
        var full = (await incidents.ByIdsAsync(viewer, ids, cancellation)).ToDictionary(r => r.Id);
        var pointers = await RecordPointer.LoadAsync(db.Current, viewer, [.. ids.Where(id => !full.ContainsKey(id))], cancellation);
        var degrees = new Dictionary<Guid, int>();
        if (full.Count > 0)
        {
            await using var command = db.CreateCommand(
                "select incident_id, count(distinct (kind, ordinal))::int from ersou.li_links where incident_id = any(@ids) group by incident_id");
            command.Parameters.AddWithValue("ids", full.Keys.ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                degrees[reader.GetGuid(0)] = reader.GetInt32(1);
            }
        }

        var views = new List<LinkNodeView>(ids.Count);
        foreach (var id in ids)
        {
            if (full.TryGetValue(id, out var row))
            {
                views.Add(new LinkNodeView(id.ToString(), EntityKind.Incident, row.ForceReference, false, [row.Force], null, row, null, null, degrees.GetValueOrDefault(id), viewer));
            }
            else if (pointers.TryGetValue(id, out var pointer))
            {
                views.Add(Withheld(pointer, viewer));
            }
        }

        return views;
    }

    /// <summary>A withheld incident: its pointer, and nothing of its contents, degree or dates.</summary>
    public static LinkNodeView Withheld(RecordPointer record, Viewer viewer) =>
        new(record.IncidentId.ToString(), EntityKind.Incident, $"{record.Force.TenantId()} {record.ForceReference}", true, [record.Force], record, null, null, null, 0, viewer);

    public async Task<IReadOnlyList<(EntityNode Node, LinkNodeView View)>> EntitiesAsync(Viewer viewer, IReadOnlyList<EntityNode> nodes, CancellationToken cancellation)
    {
        var couriers = await PeopleAsync(viewer, nodes, EntityView.Courier, cancellation);
        var suspects = await PeopleAsync(viewer, nodes, EntityView.Suspect, cancellation);

        // A node's degree and forces count every incident that carries it, withheld ones too: both
        // are what its pointers already show. A person is every node of theirs the viewer is shown.
        var groups = nodes.Select(n => (IReadOnlyCollection<Guid>?)(couriers.GetValueOrDefault(n.Id) ?? suspects.GetValueOrDefault(n.Id))?.Nodes ?? [n.Id]).ToList();
        var counted = await CountAsync(groups, cancellation);

        return nodes.Select((node, i) =>
        {
            var (degree, forces, pncId) = counted.TryGetValue(i, out var found) ? found : (0, [], null);
            var view = node.NodeKind switch
            {
                "PHONE" => new LinkNodeView(node.Id.ToString(), EntityKind.PhoneNumber, node.Key, false, forces, null, null, null, null, degree, viewer),
                "VEHICLE" => new LinkNodeView(node.Id.ToString(), EntityKind.Vehicle, node.Key, false, forces, null, null, null, null, degree, viewer),
                EntityView.Courier => Person(node, couriers.GetValueOrDefault(node.Id), EntityKind.Courier, "Unnamed courier", degree, pncId, viewer),
                _ => Person(node, suspects.GetValueOrDefault(node.Id), EntityKind.Suspect, "Unnamed suspect", degree, pncId, viewer),
            };
            return (node, view);
        }).ToList();
    }

    private static LinkNodeView Person(EntityNode node, EntityView? person, EntityKind kind, string unnamed, int degree, string? pncId, Viewer viewer) =>
        person is null
            // No sighting of this node the viewer sees in full (its only one retracted since): the
            // node, and nothing a withheld sighting says of the person.
            ? new LinkNodeView(node.Id.ToString(), kind, unnamed, false, [], null, null, null, null, degree, viewer)
            : new LinkNodeView(
                person.Id.ToString(),
                kind,
                person.Name ?? person.Description ?? pncId ?? unnamed,
                false,
                person.Forces,
                null,
                null,
                kind == EntityKind.Courier ? person : null,
                kind == EntityKind.Suspect ? person : null,
                degree,
                viewer);

    private async Task<Dictionary<Guid, EntityView>> PeopleAsync(Viewer viewer, IReadOnlyList<EntityNode> nodes, string kind, CancellationToken cancellation)
    {
        var ids = nodes.Where(n => n.NodeKind == kind).Select(n => n.Id).Distinct().ToList();
        if (ids.Count == 0)
        {
            return [];
        }

        return await people.PeopleOfNodesAsync(viewer, kind, ids, cancellation);
    }

    /// <summary>For each group of nodes (one entity each): the incidents carrying any of them, their forces, and a PNC ID among the nodes' keys.</summary>
    private async Task<Dictionary<int, (int Degree, IReadOnlyList<Force> Forces, string? PncId)>> CountAsync(List<IReadOnlyCollection<Guid>> groups, CancellationToken cancellation)
    {
        var counted = new Dictionary<int, (int, IReadOnlyList<Force>, string?)>();
        if (groups.Count == 0)
        {
            return counted;
        }

        // Costs a hub's size only in index entries: the degree is an index-only count over
        // (entity_id, incident_id), and the forces come from the node's match across forces, which
        // the linking keeps exact and which exists exactly when two forces or more carry it; a node
        // without one has one force, read from any one of its incidents. Joining every link of a
        // hub to its incident for the forces took 1.3 s at 1M for a number on 50,000 incidents.
        await using var command = db.CreateCommand(
            """
            with p(node, grp) as (select * from unnest(@nodes::uuid[], @groups::int[]))
            select g.grp,
                   (select count(distinct l.incident_id)::int from ersou.li_links l where l.entity_id in (select p2.node from p p2 where p2.grp = g.grp)),
                   (select coalesce(array_agg(distinct f.force), '{}')
                      from p p2
                      cross join lateral (
                          select unnest(m.forces) as force from ersou.li_matches m where m.entity_id = p2.node and m.case_id is null
                          union
                          select (select i.force from ersou.li_links l join ersou.li_incidents i on i.id = l.incident_id where l.entity_id = p2.node limit 1)
                      ) f
                     where p2.grp = g.grp and f.force is not null),
                   (select min(substr(k.key, 5)) from ersou.li_entity_keys k join p p2 on p2.node = k.entity_id where p2.grp = g.grp and k.key like 'pnc:%')
              from (select distinct grp from p) g
            """);
        command.Parameters.AddWithValue("nodes", groups.SelectMany(g => g).ToArray());
        command.Parameters.AddWithValue("groups", groups.SelectMany((g, i) => g.Select(_ => i)).ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            counted[reader.GetInt32(0)] = (
                reader.GetInt32(1),
                reader.GetFieldValue<string[]>(2).Select(Forces.FromTenantId).Order().ToList(),
                reader.IsDBNull(3) ? null : reader.GetString(3));
        }

        return counted;
    }
}

public sealed class LinkNodeGraphType : ObjectGraphType<LinkNodeView>
{
    public LinkNodeGraphType()
    {
        Name = "LinkNode";
        Description = "One node of a link chart. An entity or an incident the caller sees in full has a label and its fields; a withheld incident is a node with withheld: true, a pointer, and nothing else.";
        Field<NonNullGraphType<IdGraphType>>("id").Description("Stable across requests for incidents, numbers and vehicles; a courier or suspect is the person as the caller sees them.").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<EnumerationGraphType<EntityKind>>>("kind").Resolve(ctx => ctx.Source.Kind);
        Field(n => n.Label).Description("E.164 number, registration, courier or suspect name, force reference; for a withheld incident \"FORCE REFERENCE\".");
        Field(n => n.Withheld);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ForceGraphType>>>>("forces").Resolve(ctx => ctx.Source.Forces);
        Field<RecordPointerGraphType>("pointer").Description("Set on withheld incident nodes.").Resolve(ctx => ctx.Source.WithheldRecord);
        Field<IncidentGraphType>("incident").Description("Set on incident nodes the caller sees in full.").Resolve(ctx => ctx.Source.Incident);
        Field<CourierGraphType>("courier").Resolve(ctx => ctx.Source.Courier);
        Field<SuspectGraphType>("suspect").Resolve(ctx => ctx.Source.Suspect);
        Field(n => n.Degree).Description("Incidents carrying this node in all, withheld ones too, so a chart can show \"+N more\"; 0 on withheld nodes.");
    }
}
