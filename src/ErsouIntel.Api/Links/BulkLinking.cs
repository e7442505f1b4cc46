using Npgsql;
using NpgsqlTypes;

namespace ErsouIntel.Api.Links;

/// <summary>A new incident for the link graph: its id, force, when it was recorded and the projection's payload.</summary>
public sealed record LinkPayload(Guid Id, string Force, DateTimeOffset RecordedAt, string Document);

/// <summary>
/// Links many NEW incidents at once, set-based: the same rows <c>ersou.li_apply_incident</c> makes
/// one incident at a time (docs/link-graph.md), made by a handful of INSERT ... SELECT statements
/// over a staged copy of the payloads, with each touched entity's match worked out once per batch
/// instead of once per incident. For historical loads (the import command); live pushes keep the
/// per-incident path, which also handles amendments and retractions.
/// </summary>
/// <remarks>
/// The batch takes <c>li_links</c> in EXCLUSIVE mode first: live writers wait for it (readers do
/// not), and every writer before it has committed, so the forces it counts per entity are all of
/// them and no match is missed between a live push and the batch. Keep batches to seconds.
/// </remarks>
public static class BulkLinking
{
    public static async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<LinkPayload> incidents, CancellationToken cancellation)
    {
        if (incidents.Count == 0)
        {
            return;
        }

        await ExecuteAsync(connection, transaction, Stage, cancellation);
        await using (var copy = await connection.BeginBinaryImportAsync("copy li_staged(id, force, at, doc) from stdin (format binary)", cancellation))
        {
            foreach (var incident in incidents)
            {
                await copy.StartRowAsync(cancellation);
                await copy.WriteAsync(incident.Id, NpgsqlDbType.Uuid, cancellation);
                await copy.WriteAsync(incident.Force, NpgsqlDbType.Text, cancellation);
                await copy.WriteAsync(incident.RecordedAt, NpgsqlDbType.TimestampTz, cancellation);
                await copy.WriteAsync(incident.Document, NpgsqlDbType.Jsonb, cancellation);
            }

            await copy.CompleteAsync(cancellation);
        }

        await ExecuteAsync(connection, transaction, Link, cancellation);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellation);
    }

    private const string Stage =
        """
        lock table ersou.li_links in exclusive mode;
        create temp table li_staged (id uuid primary key, force text not null, at timestamptz not null, doc jsonb not null) on commit drop;
        """;

    private const string Link =
        """
        insert into ersou.li_incidents(id, force, force_reference, handling, category, occurred_at, reported_at, updated_at, retracted, version, details)
        select s.id, s.force, s.doc->>'forceReference', s.doc#>>'{details,grading,handling}', s.doc#>>'{details,category}',
               (s.doc#>>'{details,occurredAt}')::timestamptz, s.at, s.at, false, (s.doc->>'version')::int, s.doc->'details'
          from li_staged s;

        -- Every link the batch makes, with the node it points at: keyed nodes (numbers, cars, sightings
        -- without identity keys) by kind and key, people by each identity key.
        create temp table li_staged_links on commit drop as
        select s.id as incident_id, 'PHONE' as kind, (p.n - 1)::int as ordinal, 'PHONE' as node_kind, p.v->>'e164' as node_key, false as person,
               p.v->>'role' as role, null::text as name, null::text as description, null::text as registration, null::date as date_of_birth
          from li_staged s, jsonb_array_elements(s.doc#>'{details,phoneNumbers}') with ordinality p(v, n)
        union all
        select s.id, x.kind, (x.n - 1)::int, x.kind, k.key, true, null, x.v->>'name', x.v->>'description', x.v->>'registration', (x.v->>'dateOfBirth')::date
          from li_staged s,
               lateral (select 'COURIER' as kind, c.v, c.n from jsonb_array_elements(s.doc->'couriers') with ordinality c(v, n)
                        union all
                        select 'SUSPECT', u.v, u.n from jsonb_array_elements(s.doc->'suspects') with ordinality u(v, n)) x,
               jsonb_array_elements_text(x.v->'keys') k(key)
        union all
        select s.id, x.kind, (x.n - 1)::int, x.kind, 'sighting|' || s.id::text || '|' || (x.n - 1), false,
               null, x.v->>'name', x.v->>'description', x.v->>'registration', (x.v->>'dateOfBirth')::date
          from li_staged s,
               lateral (select 'COURIER' as kind, c.v, c.n from jsonb_array_elements(s.doc->'couriers') with ordinality c(v, n)
                        union all
                        select 'SUSPECT', u.v, u.n from jsonb_array_elements(s.doc->'suspects') with ordinality u(v, n)) x
         where jsonb_array_length(x.v->'keys') = 0
        union all
        select s.id, 'VEHICLE', (c.n - 1)::int, 'VEHICLE', c.v->>'registration', false, null, null, null, c.v->>'registration', null
          from li_staged s, jsonb_array_elements(s.doc->'couriers') with ordinality c(v, n)
         where c.v->>'registration' is not null;

        -- Nodes first, in one order (kind, key), as the live path does: no deadlock with live writers' new nodes.
        insert into ersou.li_entities(id, kind, key)
        select md5(node_kind || '|' || node_key)::uuid, node_kind, node_key
          from (select distinct node_kind, node_key from li_staged_links where not person) n
         order by node_kind, node_key
        on conflict (id) do nothing;

        -- A person's id is random, never a hash of a PNC ID or a date of birth (docs/link-graph.md).
        insert into ersou.li_entity_keys(kind, key, entity_id)
        select node_kind, node_key, gen_random_uuid()
          from (select distinct node_kind, node_key from li_staged_links where person) n
         order by node_kind, node_key
        on conflict do nothing;

        insert into ersou.li_entities(id, kind, key)
        select k.entity_id, k.kind, k.key
          from (select distinct node_kind, node_key from li_staged_links where person) n
          join ersou.li_entity_keys k on k.kind = n.node_kind and k.key = n.node_key
         order by k.kind, k.key
        on conflict (id) do nothing;

        insert into ersou.li_links(incident_id, kind, ordinal, entity_id, role, name, description, registration, date_of_birth)
        select l.incident_id, l.kind, l.ordinal,
               case when l.person then k.entity_id else md5(l.node_kind || '|' || l.node_key)::uuid end,
               l.role, l.name, l.description, l.registration, l.date_of_birth
          from li_staged_links l
          left join ersou.li_entity_keys k on l.person and k.kind = l.node_kind and k.key = l.node_key
        on conflict do nothing;

        -- Matches: each entity the batch touched, its forces counted once over all its links.
        create temp table li_matched on commit drop as
        select l.entity_id, array_agg(distinct i.force order by i.force) as forces
          from ersou.li_links l
          join ersou.li_incidents i on i.id = l.incident_id
         where l.entity_id in (select distinct entity_id from ersou.li_links where incident_id in (select id from li_staged))
         group by l.entity_id
        having count(distinct i.force) >= 2;

        with at as (select max(at) as at from li_staged),
        upserted as (
          insert into ersou.li_matches(id, kind, key, entity_id, case_id, detected_at, updated_at, forces)
          select md5('MATCH|' || m.entity_id::text)::uuid, e.kind, e.key, e.id, null, at.at, at.at, m.forces
            from li_matched m join ersou.li_entities e on e.id = m.entity_id, at
           order by 1
          on conflict (id) do update set forces = excluded.forces, updated_at = excluded.updated_at
           where ersou.li_matches.forces is distinct from excluded.forces
          returning id, entity_id, (xmax = 0) as created)
        -- A match made now holds every incident of its entity; one that existed gains this batch's.
        insert into ersou.li_match_incidents(match_id, incident_id)
        select distinct u.id, l.incident_id from upserted u join ersou.li_links l on l.entity_id = u.entity_id where u.created
        union
        select md5('MATCH|' || l.entity_id::text)::uuid, l.incident_id
          from ersou.li_links l join li_matched m on m.entity_id = l.entity_id
         where l.incident_id in (select id from li_staged)
        on conflict do nothing;

        -- Incidents that share an entity with an incident on an open case: rare, so the live path's function does it.
        select ersou.li_detect_matches(s.id, s.at)
          from li_staged s
         where exists (select 1
                         from ersou.li_links l
                         join ersou.li_links o on o.entity_id = l.entity_id and o.incident_id <> l.incident_id
                         join ersou.li_case_incidents ci on ci.incident_id = o.incident_id
                         join ersou.li_cases k on k.id = ci.case_id and k.status = 'OPEN'
                        where l.incident_id = s.id);
        """;
}
