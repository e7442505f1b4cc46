using ErsouIntel.Api.Access;
using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Incidents.Reading;
using ErsouIntel.Api.Storage.Replicas;
using Npgsql;
using NpgsqlTypes;

namespace ErsouIntel.Api.Links.Questions;

/// <summary>
/// <c>search(text, first)</c>. Identifier hits first, in a fixed order of kinds (E164, REGISTRATION,
/// PNC_ID, FORCE_REFERENCE, ID), then couriers and suspects by a prefix of any word of their names,
/// by label then id; a node appears once, at its first hit. Every lookup is an index probe:
/// <c>li_entities (kind, key)</c>, <c>li_entity_keys (kind, key)</c>,
/// <c>li_incidents (force_reference)</c>, the primary keys, and a GIN index over the words of the
/// names on <c>li_links</c> (<see cref="LinkGraphProjection.Tables"/>).
/// What a caller learns follows the contract's table: a number, registration, PNC ID or force
/// reference carried only by records withheld from them gives pointer nodes; an id or a name gives
/// nothing unless the record is seen in full, and an id not given is noted as REFUSED as an unknown
/// one is. Names are matched only on sightings the caller sees in full, in the database.
/// </summary>
public sealed class EntitySearch(ReadSource db, EntityQueries people, LinkNodes nodes, RecordOwners owners)
{
    /// <summary>
    /// Most sightings a name is looked for among: a common prefix ("dan") matches thousands, and one
    /// search must not assemble them all. The candidates are the first this many visible sightings
    /// the index yields; the hits are the first <c>first</c> of their people by label. A name shared
    /// by more sightings than this is narrowed by typing more of it.
    /// </summary>
    public const int MaxNameCandidates = 100;

    /// <summary>Type named in the REFUSED entry for a searched id that names nothing the log tracks.</summary>
    public const string AskedType = "Node";

    public async Task<IReadOnlyList<SearchHitView>> SearchAsync(AccessScope scope, SearchText text, int first, CancellationToken cancellation)
    {
        var viewer = Viewer.For(scope);
        var found = await IdentifiersAsync(viewer, text, cancellation);

        if (text.Id is { } id && !found.Any(f => f.MatchedOn == "ID" && f.Seen))
        {
            // An id not given answers as an id that names nothing; the log names the record when it exists.
            var unseen = found.FirstOrDefault(f => f.MatchedOn == "ID");
            var type = unseen.Kind switch
            {
                "INCIDENT" => IncidentQueries.RecordType,
                EntityView.Courier => RecordOwners.Courier,
                EntityView.Suspect => RecordOwners.Suspect,
                _ => null,
            };
            IReadOnlyList<LoggedRecord> named = type is null ? [new LoggedRecord(AskedType, id.ToString("D"), null)] : await owners.NamedAsync(type, id.ToString("D"), cancellation);
            foreach (var record in named)
            {
                scope.Refused(record);
            }
        }

        // A number, registration or PNC ID only withheld records carry is shown as those records' pointers.
        var withheldCarriers = found.Where(f => !f.Seen && f.MatchedOn is "E164" or "REGISTRATION" or "PNC_ID").ToList();
        var pointers = await CarryingAsync([.. withheldCarriers.Select(f => f.Id)], first, cancellation);

        var plan = new List<(string MatchedOn, EntityNode? Entity, Guid? Incident)>();
        foreach (var hit in found)
        {
            if (hit.Kind == "INCIDENT")
            {
                // By reference a withheld incident is its pointer; by id it is nothing.
                if (hit.Seen || hit.MatchedOn == "FORCE_REFERENCE")
                {
                    plan.Add((hit.MatchedOn, null, hit.Id));
                }
            }
            else if (hit.Seen)
            {
                plan.Add((hit.MatchedOn, new EntityNode(hit.Id, hit.Kind, hit.Key), null));
            }
            else if (hit.MatchedOn != "ID")
            {
                plan.AddRange(pointers.Where(p => p.Node == hit.Id).Select(p => (hit.MatchedOn, (EntityNode?)null, (Guid?)p.Incident)));
            }
        }

        // Only what is returned is read for the caller (and so logged): the plan is cut before reading.
        plan = [.. plan.DistinctBy(p => (p.Entity?.Id, p.Incident)).Take(first)];
        var hits = await ViewsAsync(viewer, plan, cancellation);

        if (hits.Count < first && text.NameQuery is { } words)
        {
            var named = await NamedAsync(viewer, words, hits.Select(h => h.Node.Id).ToHashSet(), first - hits.Count, cancellation);
            hits.AddRange(named.Select(view => new SearchHitView(view, "NAME")));
        }

        return hits;
    }

    /// <summary>The plan's nodes as the viewer is shown them, in plan order, each node once.</summary>
    private async Task<List<SearchHitView>> ViewsAsync(Viewer viewer, List<(string MatchedOn, EntityNode? Entity, Guid? Incident)> plan, CancellationToken cancellation)
    {
        var entities = (await nodes.EntitiesAsync(viewer, [.. plan.Where(p => p.Entity is not null).Select(p => p.Entity!.Value)], cancellation))
            .ToDictionary(e => e.Node.Id, e => e.View);
        var incidents = (await nodes.IncidentsAsync(viewer, [.. plan.Where(p => p.Incident is not null).Select(p => p.Incident!.Value)], cancellation))
            .ToDictionary(v => Guid.Parse(v.Id));
        var hits = new List<SearchHitView>();
        foreach (var (matchedOn, entity, incident) in plan)
        {
            var view = entity is { } e ? entities.GetValueOrDefault(e.Id) : incidents.GetValueOrDefault(incident!.Value);
            if (view is not null && !hits.Any(h => h.Node.Id == view.Id))
            {
                hits.Add(new SearchHitView(view, matchedOn));
            }
        }

        return hits;
    }

    private readonly record struct Found(string MatchedOn, Guid Id, string Kind, string Key, bool Seen);

    /// <summary>
    /// Every identifier the text can be, in one statement: the nodes and incidents it names, and
    /// whether the viewer sees any record carrying each in full. Several incidents can share a
    /// reference (one per force): they come by force, which their pointers show anyway.
    /// </summary>
    private async Task<List<Found>> IdentifiersAsync(Viewer viewer, SearchText text, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand(
            $"""
            with asked(ord, matched_on, id) as (
                select 0, 'E164', e.id from ersou.li_entities e where e.kind = 'PHONE' and e.key = @e164
                union all
                select 1, 'REGISTRATION', e.id from ersou.li_entities e where e.kind = 'VEHICLE' and e.key = @registration
                union all
                select 2, 'PNC_ID', k.entity_id from ersou.li_entity_keys k where k.kind in ('COURIER', 'SUSPECT') and k.key = @pnc
                union all
                select 4, 'ID', e.id from ersou.li_entities e where e.id = @id
            )
            select a.ord, a.matched_on, e.id, e.kind, e.key, '' as force,
                   exists (select 1 from ersou.li_links l join ersou.li_incidents i on i.id = l.incident_id
                            where l.entity_id = e.id and {Visibility.SeesInFull("i")}) as seen
              from asked a join ersou.li_entities e on e.id = a.id
            union all
            select 3, 'FORCE_REFERENCE', i.id, 'INCIDENT', '', i.force, {Visibility.SeesInFull("i")}
              from ersou.li_incidents i where i.force_reference = @reference
            union all
            select 4, 'ID', i.id, 'INCIDENT', '', i.force, {Visibility.SeesInFull("i")}
              from ersou.li_incidents i where i.id = @id
            order by 1, 6, 3
            """);
        command.Parameters.Add(new NpgsqlParameter("e164", NpgsqlDbType.Text) { Value = (object?)text.E164 ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("registration", NpgsqlDbType.Text) { Value = (object?)text.Registration ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("pnc", NpgsqlDbType.Text) { Value = (object?)text.PncKey ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("reference", NpgsqlDbType.Text) { Value = text.Text });
        command.Parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Uuid) { Value = (object?)text.Id ?? DBNull.Value });
        viewer.Bind(command);

        var found = new List<Found>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            found.Add(new Found(reader.GetString(1), reader.GetGuid(2), reader.GetString(3), reader.GetString(4), reader.GetBoolean(6)));
        }

        return found;
    }

    /// <summary>
    /// The incidents carrying each node, at most <paramref name="first"/> a node, by force then
    /// reference compared as bytes: the order of pointers everywhere, which says nothing they do not.
    /// </summary>
    private async Task<List<(Guid Node, Guid Incident)>> CarryingAsync(Guid[] carriers, int first, CancellationToken cancellation)
    {
        var carrying = new List<(Guid, Guid)>();
        if (carriers.Length == 0)
        {
            return carrying;
        }

        await using var command = db.CreateCommand(
            """
            select n.entity_id, w.id
              from unnest(@nodes::uuid[]) with ordinality n(entity_id, at)
             cross join lateral (
                   select i.id, i.force, i.force_reference
                     from ersou.li_incidents i
                    where i.id in (select l.incident_id from ersou.li_links l where l.entity_id = n.entity_id)
                    order by i.force, i.force_reference collate "C"
                    limit @first) w
             order by n.at, w.force, w.force_reference collate "C"
            """);
        command.Parameters.AddWithValue("nodes", carriers);
        command.Parameters.AddWithValue("first", first);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            carrying.Add((reader.GetGuid(0), reader.GetGuid(1)));
        }

        return carrying;
    }

    /// <summary>
    /// Couriers and suspects with a name word starting with each of the words, on sightings the
    /// viewer sees in full: up to <paramref name="wanted"/> people not already hit, by label then
    /// served id (the order says nothing the nodes do not). When the candidates are more people than
    /// wanted, they are first assembled for ordering without noting them on the scope; only the
    /// people returned are read for the caller (<see cref="LinkNodes.EntitiesAsync"/>), and so logged.
    /// </summary>
    private async Task<IEnumerable<LinkNodeView>> NamedAsync(Viewer viewer, string words, HashSet<string> hit, int wanted, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand(
            $"""
            select distinct c.entity_id, c.kind
              from (select l.entity_id, l.kind
                      from ersou.li_links l
                      join ersou.li_incidents i on i.id = l.incident_id
                     where l.name is not null
                       and to_tsvector('simple', l.name) @@ to_tsquery('simple', @words)
                       and l.kind in ('COURIER', 'SUSPECT')
                       and {Visibility.SeesInFull("i")}
                     limit @cap) c
            """);
        command.Parameters.AddWithValue("words", words);
        command.Parameters.AddWithValue("cap", MaxNameCandidates);
        viewer.Bind(command);
        var candidates = new List<EntityNode>();
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                candidates.Add(new EntityNode(reader.GetGuid(0), reader.GetString(1), string.Empty));
            }
        }

        // No more nodes than people wanted: every one is returned, so none needs ordering beforehand.
        var chosen = candidates.Count <= wanted ? candidates : await FirstPeopleAsync(viewer, candidates, hit, wanted, cancellation);
        var views = (await nodes.EntitiesAsync(viewer, chosen, cancellation)).Select(n => n.View).ToList();
        var byId = views.DistinctBy(v => v.Id).ToDictionary(v => v.Id);
        return Ordered(byId.Values.Select(v => (v.Kind.ToString(), Guid.Parse(v.Id), v.Label)))
            .Where(p => !hit.Contains(p.Id.ToString()))
            .Take(wanted)
            .Select(p => byId[p.Id.ToString()]);
    }

    /// <summary>The first people of the candidates by label and id, assembled without noting them on the scope.</summary>
    private async Task<List<EntityNode>> FirstPeopleAsync(Viewer viewer, List<EntityNode> candidates, HashSet<string> hit, int wanted, CancellationToken cancellation)
    {
        var unlogged = viewer with { Scope = null };
        var found = new List<EntityView>();
        foreach (var kind in new[] { EntityView.Courier, EntityView.Suspect })
        {
            var seeds = candidates.Where(c => c.NodeKind == kind).Select(c => c.Id).ToList();
            found.AddRange((await people.PeopleOfNodesAsync(unlogged, kind, seeds, cancellation)).Values.DistinctBy(v => v.Id));
        }

        return Ordered(found.Select(p => (p.Kind, p.Id, Label: p.Name ?? p.Description ?? string.Empty)))
            .Where(p => !hit.Contains(p.Id.ToString()))
            .Take(wanted)
            .Select(p => new EntityNode(p.Id, p.Kind, string.Empty))
            .ToList();
    }

    /// <summary>People by label, then by the id served, each once: case-insensitively first so that "daniel" and "Daniel" sit together.</summary>
    public static IEnumerable<(string Kind, Guid Id, string Label)> Ordered(IEnumerable<(string Kind, Guid Id, string Label)> people) =>
        people.DistinctBy(p => (p.Kind, p.Id))
            .OrderBy(p => p.Label, StringComparer.OrdinalIgnoreCase)
            .ThenBy(p => p.Label, StringComparer.Ordinal)
            .ThenBy(p => p.Id.ToString(), StringComparer.Ordinal);
}
