using ErsouIntel.Api.Storage;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Functions;
using Weasel.Postgresql.Tables;

namespace ErsouIntel.Api.Links;

/// <summary>
/// The cross-force read model: incidents, the entities they carry (phone numbers, couriers,
/// suspects, vehicles), the links between them, cases and matches. Plain indexed tables, kept by
/// the link-graph projection (inline in the same transaction as the events, or by the async
/// daemon; <see cref="LinkGraphProjection"/>), so a 2-hop question is a few
/// index lookups (docs/link-graph.md). Created and migrated by Marten with its own objects.
/// </summary>
public static class LinkGraphSchema
{
    public static IEnumerable<Weasel.Core.ISchemaObject> Objects()
    {
        var incidents = new Table(Name("li_incidents"));
        incidents.AddColumn<Guid>("id").AsPrimaryKey();
        incidents.AddColumn<string>("force").NotNull();
        incidents.AddColumn<string>("force_reference").NotNull();
        incidents.AddColumn<string>("handling").NotNull();
        incidents.AddColumn<string>("category").NotNull();
        incidents.AddColumn("occurred_at", "timestamptz").NotNull();
        incidents.AddColumn("reported_at", "timestamptz").NotNull();
        incidents.AddColumn("updated_at", "timestamptz").NotNull();
        incidents.AddColumn<bool>("retracted").NotNull();
        incidents.AddColumn<int>("version").NotNull();
        incidents.AddColumn("details", "jsonb").NotNull();
        incidents.Indexes.Add(new IndexDefinition("li_incidents_force_reference") { Columns = ["force", "force_reference"], IsUnique = true });
        incidents.Indexes.Add(new IndexDefinition("li_incidents_occurred") { Columns = ["occurred_at", "id"] });
        incidents.Indexes.Add(new IndexDefinition("li_incidents_force_occurred") { Columns = ["force", "occurred_at", "id"] });
        yield return incidents;

        var entities = new Table(Name("li_entities"));
        entities.AddColumn<Guid>("id").AsPrimaryKey();
        entities.AddColumn<string>("kind").NotNull();
        entities.AddColumn<string>("key").NotNull();
        entities.Indexes.Add(new IndexDefinition("li_entities_kind_key") { Columns = ["kind", "key"] });
        yield return entities;

        var keys = new Table(Name("li_entity_keys"));
        keys.AddColumn<string>("kind").AsPrimaryKey();
        keys.AddColumn<string>("key").AsPrimaryKey();
        keys.AddColumn<Guid>("entity_id").NotNull();
        keys.Indexes.Add(new IndexDefinition("li_entity_keys_entity") { Columns = ["entity_id"] });
        yield return keys;

        var links = new Table(Name("li_links"));
        links.AddColumn<Guid>("incident_id").AsPrimaryKey();
        links.AddColumn<string>("kind").AsPrimaryKey();
        links.AddColumn<int>("ordinal").AsPrimaryKey();
        links.AddColumn<Guid>("entity_id").AsPrimaryKey();
        links.AddColumn<string>("role").AllowNulls();
        links.AddColumn<string>("name").AllowNulls();
        links.AddColumn<string>("description").AllowNulls();
        links.AddColumn<string>("registration").AllowNulls();
        links.AddColumn("date_of_birth", "date").AllowNulls();
        links.Indexes.Add(new IndexDefinition("li_links_entity") { Columns = ["entity_id", "incident_id"] });
        yield return links;

        var cases = new Table(Name("li_cases"));
        cases.AddColumn<Guid>("id").AsPrimaryKey();
        cases.AddColumn<string>("reference").NotNull();
        cases.AddColumn<string>("title").NotNull();
        cases.AddColumn<string>("operation_name").AllowNulls();
        cases.AddColumn<string>("lead_force").NotNull();
        cases.AddColumn<string>("status").NotNull();
        cases.AddColumn("opened_at", "timestamptz").NotNull();
        cases.AddColumn<int>("version").NotNull();
        cases.Indexes.Add(new IndexDefinition("li_cases_reference") { Columns = ["reference"], IsUnique = true });
        cases.Indexes.Add(new IndexDefinition("li_cases_lead_force") { Columns = ["lead_force", "opened_at", "id"] });
        yield return cases;

        var members = new Table(Name("li_case_members"));
        members.AddColumn<Guid>("case_id").AsPrimaryKey();
        members.AddColumn<string>("subject").AsPrimaryKey();
        members.Indexes.Add(new IndexDefinition("li_case_members_subject") { Columns = ["subject", "case_id"] });
        yield return members;

        var caseIncidents = new Table(Name("li_case_incidents"));
        caseIncidents.AddColumn<Guid>("case_id").AsPrimaryKey();
        caseIncidents.AddColumn<Guid>("incident_id").AsPrimaryKey();
        caseIncidents.AddColumn("attached_at", "timestamptz").NotNull();
        caseIncidents.Indexes.Add(new IndexDefinition("li_case_incidents_incident") { Columns = ["incident_id", "case_id"] });
        yield return caseIncidents;

        var matches = new Table(Name("li_matches"));
        matches.AddColumn<Guid>("id").AsPrimaryKey();
        matches.AddColumn<string>("kind").NotNull();
        matches.AddColumn<string>("key").NotNull();
        matches.AddColumn<Guid>("entity_id").NotNull();
        matches.AddColumn<Guid>("case_id").AllowNulls();
        matches.AddColumn("detected_at", "timestamptz").NotNull();
        matches.AddColumn("updated_at", "timestamptz").NotNull();
        matches.AddColumn("forces", "text[]").NotNull();
        matches.Indexes.Add(new IndexDefinition("li_matches_entity") { Columns = ["entity_id"] });
        matches.Indexes.Add(new IndexDefinition("li_matches_case") { Columns = ["case_id"] });
        matches.Indexes.Add(new IndexDefinition("li_matches_forces") { Columns = ["forces"], Method = IndexMethod.gin });
        matches.Indexes.Add(new IndexDefinition("li_matches_detected") { Columns = ["detected_at", "id"] });
        yield return matches;

        var matchIncidents = new Table(Name("li_match_incidents"));
        matchIncidents.AddColumn<Guid>("match_id").AsPrimaryKey();
        matchIncidents.AddColumn<Guid>("incident_id").AsPrimaryKey();
        matchIncidents.Indexes.Add(new IndexDefinition("li_match_incidents_incident") { Columns = ["incident_id"] });
        yield return matchIncidents;

        var deadLetters = new Table(Name("li_dead_letters"));
        deadLetters.AddColumn<long>("id").AsPrimaryKey().BigAutoIncrement();
        deadLetters.AddColumn<Guid>("incident_id").NotNull();
        deadLetters.AddColumn<string>("operation").NotNull();
        deadLetters.AddColumn<string>("error").NotNull();
        deadLetters.AddColumn("payload", "jsonb").AllowNulls();
        deadLetters.AddColumn("set_aside_at", "timestamptz").NotNull().DefaultValueByString("now()");
        yield return deadLetters;

        foreach (var function in Functions)
        {
            yield return Function.ForSql(function);
        }
    }

    // Weasel marks the two-part constructor obsolete in favour of one whose enum it does not document yet.
#pragma warning disable CS0618
    private static PostgresqlObjectName Name(string table) => new(EventStore.Schema, table);
#pragma warning restore CS0618

    // Each function is written as PostgreSQL's pg_get_functiondef prints it back (header one clause a
    // line, argument types spelt out, `SET jit TO 'off'`, $function$ quotes): Weasel compares the
    // declared text with that print-out, whitespace collapsed, so any other spelling makes db-assert
    // report a difference and db-apply drop and recreate the function every time it runs.
    private static readonly string[] Functions =
    [
        """
        CREATE OR REPLACE FUNCTION ersou.li_keyed_entity(p_kind text, p_key text)
         RETURNS uuid
         LANGUAGE plpgsql
        AS $function$
        DECLARE
          v_id uuid := md5(p_kind || '|' || p_key)::uuid;
        BEGIN
          INSERT INTO ersou.li_entities(id, kind, key) VALUES (v_id, p_kind, p_key) ON CONFLICT (id) DO NOTHING;
          RETURN v_id;
        END;
        $function$;
        """,
        """
        CREATE OR REPLACE FUNCTION ersou.li_person_node(p_kind text, p_key text)
         RETURNS uuid
         LANGUAGE plpgsql
        AS $function$
        DECLARE
          v_id uuid;
        BEGIN
          -- A random id, not a hash: a person's id must not be a way to test guesses of a PNC ID or a date of birth.
          INSERT INTO ersou.li_entity_keys(kind, key, entity_id) VALUES (p_kind, p_key, gen_random_uuid()) ON CONFLICT DO NOTHING;
          SELECT entity_id INTO v_id FROM ersou.li_entity_keys WHERE kind = p_kind AND key = p_key;
          INSERT INTO ersou.li_entities(id, kind, key) VALUES (v_id, p_kind, p_key) ON CONFLICT (id) DO NOTHING;
          RETURN v_id;
        END;
        $function$;
        """,
        """
        CREATE OR REPLACE FUNCTION ersou.li_refresh_match(p_entity uuid, p_at timestamp with time zone)
         RETURNS void
         LANGUAGE plpgsql
        AS $function$
        DECLARE
          v_forces text[];
          v_match uuid := md5('MATCH|' || p_entity::text)::uuid;
        BEGIN
          -- For an entity an incident no longer carries (retracted, or amended away): forces may shrink,
          -- so they are recomputed and set exactly.
          SELECT array_agg(DISTINCT i.force ORDER BY i.force) INTO v_forces
            FROM ersou.li_links l JOIN ersou.li_incidents i ON i.id = l.incident_id
           WHERE l.entity_id = p_entity;
          IF coalesce(array_length(v_forces, 1), 0) < 2 THEN
            DELETE FROM ersou.li_match_incidents WHERE match_id = v_match;
            DELETE FROM ersou.li_matches WHERE id = v_match;
            RETURN;
          END IF;
          UPDATE ersou.li_matches SET forces = v_forces, updated_at = p_at WHERE id = v_match AND forces IS DISTINCT FROM v_forces;
          DELETE FROM ersou.li_match_incidents m WHERE m.match_id = v_match
             AND NOT EXISTS (SELECT 1 FROM ersou.li_links l WHERE l.entity_id = p_entity AND l.incident_id = m.incident_id);
        END;
        $function$;
        """,
        """
        CREATE OR REPLACE FUNCTION ersou.li_grow_entity_match(p_entity uuid, p_incidents uuid[], p_forces text[], p_at timestamp with time zone)
         RETURNS void
         LANGUAGE plpgsql
        AS $function$
        DECLARE
          v_stored text[];
          v_match uuid := md5('MATCH|' || p_entity::text)::uuid;
        BEGIN
          -- For an entity these incidents now carry: forces only grow. A match that exists gains the
          -- incidents' own forces by union (concurrent writers each add theirs, so none is lost), is not
          -- touched when it already holds them (no lock on busy entities), and the links of a busy entity
          -- are never read again: every writer before us added its own force the same way.
          SELECT forces INTO v_stored FROM ersou.li_matches WHERE id = v_match;
          IF v_stored IS NULL THEN
            -- No match yet: two writers could each see too few forces to make one, or make one that
            -- misses the other's incident. One at a time per entity, each seeing what the other committed.
            PERFORM pg_advisory_xact_lock(hashtextextended(p_entity::text, 6205));
            SELECT forces INTO v_stored FROM ersou.li_matches WHERE id = v_match;
          END IF;
          IF v_stored IS NULL THEN
            -- A match needs two forces: among these incidents, or one of theirs and another incident's.
            IF cardinality(p_forces) < 2 AND NOT EXISTS (
                 SELECT 1 FROM ersou.li_links l JOIN ersou.li_incidents i ON i.id = l.incident_id
                  WHERE l.entity_id = p_entity AND i.force <> p_forces[1]) THEN
              RETURN;
            END IF;
            INSERT INTO ersou.li_matches(id, kind, key, entity_id, case_id, detected_at, updated_at, forces)
            SELECT v_match, e.kind, e.key, e.id, NULL, p_at, p_at,
                   (SELECT array_agg(DISTINCT i.force ORDER BY i.force)
                      FROM ersou.li_links l JOIN ersou.li_incidents i ON i.id = l.incident_id WHERE l.entity_id = p_entity)
              FROM ersou.li_entities e WHERE e.id = p_entity
            ON CONFLICT (id) DO UPDATE
              SET forces = ARRAY(SELECT DISTINCT f FROM unnest(ersou.li_matches.forces || excluded.forces) f ORDER BY f),
                  updated_at = excluded.updated_at;
            INSERT INTO ersou.li_match_incidents(match_id, incident_id)
            SELECT DISTINCT v_match, l.incident_id FROM ersou.li_links l WHERE l.entity_id = p_entity
            ON CONFLICT DO NOTHING;
            RETURN;
          END IF;
          IF NOT (p_forces <@ v_stored) THEN
            UPDATE ersou.li_matches
               SET forces = ARRAY(SELECT DISTINCT f FROM unnest(forces || p_forces) f ORDER BY f), updated_at = p_at
             WHERE id = v_match;
          END IF;
          INSERT INTO ersou.li_match_incidents(match_id, incident_id)
          SELECT v_match, x FROM unnest(p_incidents) x
          ON CONFLICT DO NOTHING;
        END;
        $function$;
        """,
        """
        CREATE OR REPLACE FUNCTION ersou.li_case_matches(p_entity uuid, p_incidents uuid[], p_at timestamp with time zone)
         RETURNS void
         LANGUAGE plpgsql
        AS $function$
        DECLARE
          c record;
          v_match uuid;
          v_new uuid[];
        BEGIN
          -- Incidents that carry an entity already on an open case they are not attached to.
          FOR c IN SELECT DISTINCT ci.case_id
                     FROM ersou.li_links l
                     JOIN ersou.li_case_incidents ci ON ci.incident_id = l.incident_id
                     JOIN ersou.li_cases k ON k.id = ci.case_id AND k.status = 'OPEN'
                    WHERE l.entity_id = p_entity LOOP
            SELECT array_agg(x) INTO v_new FROM unnest(p_incidents) x
             WHERE NOT EXISTS (SELECT 1 FROM ersou.li_case_incidents ci WHERE ci.case_id = c.case_id AND ci.incident_id = x);
            CONTINUE WHEN v_new IS NULL;
            v_match := md5('MATCH|' || p_entity::text || '|' || c.case_id::text)::uuid;
            INSERT INTO ersou.li_match_incidents(match_id, incident_id)
            SELECT DISTINCT v_match, l.incident_id FROM ersou.li_links l
             WHERE l.entity_id = p_entity
               AND (l.incident_id = ANY(v_new) OR l.incident_id IN (SELECT incident_id FROM ersou.li_case_incidents WHERE case_id = c.case_id))
            ON CONFLICT DO NOTHING;
            INSERT INTO ersou.li_matches(id, kind, key, entity_id, case_id, detected_at, updated_at, forces)
            SELECT v_match, e.kind, e.key, e.id, c.case_id, p_at, p_at,
                   (SELECT array_agg(DISTINCT i.force ORDER BY i.force) FROM ersou.li_match_incidents mi JOIN ersou.li_incidents i ON i.id = mi.incident_id WHERE mi.match_id = v_match)
              FROM ersou.li_entities e WHERE e.id = p_entity
            ON CONFLICT (id) DO UPDATE SET forces = excluded.forces, updated_at = excluded.updated_at;
          END LOOP;
        END;
        $function$;
        """,
        """
        CREATE OR REPLACE FUNCTION ersou.li_match_batch(p_incidents uuid[], p_dropped uuid[], p_new uuid[], p_at timestamp with time zone)
         RETURNS void
         LANGUAGE plpgsql
        AS $function$
        DECLARE
          r record;
          v_entities uuid[];
          v_incidents uuid[];
          v_forces text[];
          v_held uuid[];
        BEGIN
          -- The matches of every entity the incidents carry, or no longer carry (p_dropped). p_new: nodes
          -- this transaction made, which no other writer can link before it ends.

          -- The incidents' links, each with its incident's force (looked up one by one: a hash join would
          -- read every incident).
          SELECT array_agg(l.entity_id), array_agg(l.incident_id),
                 array_agg((SELECT i.force::text FROM ersou.li_incidents i WHERE i.id = l.incident_id))
            INTO v_entities, v_incidents, v_forces
            FROM ersou.li_links l WHERE l.incident_id = ANY(p_incidents);

          -- Entities whose match already holds these incidents' forces (most of a busy entity's pushes):
          -- the incidents join the match; no lock, no recount.
          SELECT array_agg(g.entity_id) INTO v_held
            FROM (SELECT b.entity_id, array_agg(DISTINCT b.force) AS forces
                    FROM unnest(v_entities, v_forces) b(entity_id, force)
                   GROUP BY b.entity_id) g
           WHERE g.forces <@ (SELECT m.forces FROM ersou.li_matches m WHERE m.id = md5('MATCH|' || g.entity_id::text)::uuid)
             AND NOT (g.entity_id = ANY(p_dropped));
          INSERT INTO ersou.li_match_incidents(match_id, incident_id)
          SELECT md5('MATCH|' || b.entity_id::text)::uuid, b.incident_id
            FROM unnest(v_entities, v_incidents) b(entity_id, incident_id)
           WHERE b.entity_id = ANY(v_held)
          ON CONFLICT DO NOTHING;

          -- The rest one entity at a time in one global order (by id): writers that share entities take
          -- their locks on them in the same order, so they wait for each other but never deadlock. A node
          -- made here that only one force links can make no match, and is skipped.
          FOR r IN SELECT t.entity_id, bool_or(t.dropped) AS dropped,
                          array_remove(array_agg(DISTINCT t.incident_id), NULL) AS incidents,
                          array_remove(array_agg(DISTINCT t.force), NULL) AS forces
                     FROM (SELECT b.entity_id, false AS dropped, b.incident_id, b.force
                             FROM unnest(v_entities, v_incidents, v_forces) b(entity_id, incident_id, force)
                           UNION ALL
                           SELECT d, true, NULL, NULL FROM unnest(p_dropped) d) t
                    WHERE v_held IS NULL OR NOT (t.entity_id = ANY(v_held))
                    GROUP BY t.entity_id
                   HAVING bool_or(t.dropped) OR NOT (t.entity_id = ANY(p_new)) OR count(DISTINCT t.force) > 1
                    ORDER BY t.entity_id LOOP
            IF r.dropped THEN
              -- No longer carried by one of them (amended away): forces may shrink.
              PERFORM ersou.li_refresh_match(r.entity_id, p_at);
            END IF;
            IF cardinality(r.incidents) > 0 THEN
              PERFORM ersou.li_grow_entity_match(r.entity_id, r.incidents, r.forces, p_at);
            END IF;
          END LOOP;

          -- Entities that are also on an incident of an open case, in the same order.
          IF EXISTS (SELECT 1 FROM ersou.li_cases WHERE status = 'OPEN') THEN
            FOR r IN SELECT l.entity_id, array_agg(DISTINCT l.incident_id) AS incidents
                       FROM ersou.li_links l
                      WHERE l.incident_id = ANY(p_incidents)
                        AND l.entity_id IN (SELECT o.entity_id
                                              FROM ersou.li_case_incidents ci
                                              JOIN ersou.li_cases k ON k.id = ci.case_id AND k.status = 'OPEN'
                                              JOIN ersou.li_links o ON o.incident_id = ci.incident_id)
                      GROUP BY l.entity_id
                      ORDER BY l.entity_id LOOP
              PERFORM ersou.li_case_matches(r.entity_id, r.incidents, p_at);
            END LOOP;
          END IF;
        END;
        $function$;
        """,
        """
        CREATE OR REPLACE FUNCTION ersou.li_match_entities(p_incidents uuid[], p_dropped uuid[], p_at timestamp with time zone)
         RETURNS void
         LANGUAGE plpgsql
        AS $function$
        BEGIN
          PERFORM ersou.li_match_batch(p_incidents, p_dropped, '{}', p_at);
        END;
        $function$;
        """,
        """
        CREATE OR REPLACE FUNCTION ersou.li_detect_matches(p_incident uuid, p_at timestamp with time zone)
         RETURNS void
         LANGUAGE plpgsql
        AS $function$
        BEGIN
          PERFORM ersou.li_match_entities(ARRAY[p_incident], '{}', p_at);
        END;
        $function$;
        """,
        """
        CREATE OR REPLACE FUNCTION ersou.li_link_incident(doc jsonb)
         RETURNS uuid[]
         LANGUAGE plpgsql
        AS $function$
        DECLARE
          v_id uuid := (doc->>'id')::uuid;
          v_at timestamptz := (doc->>'recordedAt')::timestamptz;
          v_old uuid[];
          v_dropped uuid[];
        BEGIN
          -- Upserts the incident and replaces its links; returns the entities it no longer carries.
          INSERT INTO ersou.li_incidents(id, force, force_reference, handling, category, occurred_at, reported_at, updated_at, retracted, version, details)
          VALUES (v_id, doc->>'force',
                  -- An amendment does not carry the reference: it keeps the one first reported.
                  coalesce(doc->>'forceReference', (SELECT force_reference FROM ersou.li_incidents WHERE id = v_id)),
                  doc#>>'{details,grading,handling}', doc#>>'{details,category}',
                  (doc#>>'{details,occurredAt}')::timestamptz, v_at, v_at, false, (doc->>'version')::int, doc->'details')
          ON CONFLICT (id) DO UPDATE SET handling = excluded.handling, category = excluded.category, occurred_at = excluded.occurred_at,
                 updated_at = excluded.updated_at, version = excluded.version, details = excluded.details;

          SELECT array_agg(DISTINCT entity_id) INTO v_old FROM ersou.li_links WHERE incident_id = v_id;
          IF v_old IS NOT NULL THEN
            DELETE FROM ersou.li_links WHERE incident_id = v_id;
          END IF;

          INSERT INTO ersou.li_links(incident_id, kind, ordinal, entity_id, role)
          SELECT v_id, 'PHONE', p.n - 1, ersou.li_keyed_entity('PHONE', p.v->>'e164'), p.v->>'role'
            FROM jsonb_array_elements(doc#>'{details,phoneNumbers}') WITH ORDINALITY p(v, n);

          -- A courier or suspect is linked through each of its identity keys (PNC ID; name with date
          -- of birth), never through a merged person: a join made only by a withheld record then runs
          -- through that record, which shows as a pointer. A sighting without keys is a node of its own.
          INSERT INTO ersou.li_links(incident_id, kind, ordinal, entity_id, name, description, registration, date_of_birth)
          SELECT v_id, 'COURIER', c.n - 1, e.id, c.v->>'name', c.v->>'description', c.v->>'registration', (c.v->>'dateOfBirth')::date
            FROM jsonb_array_elements(doc->'couriers') WITH ORDINALITY c(v, n)
            CROSS JOIN LATERAL (SELECT ersou.li_person_node('COURIER', k) AS id FROM jsonb_array_elements_text(c.v->'keys') k
                                UNION ALL
                                SELECT ersou.li_keyed_entity('COURIER', 'sighting|' || v_id::text || '|' || (c.n - 1))
                                 WHERE jsonb_array_length(c.v->'keys') = 0) e;
          INSERT INTO ersou.li_links(incident_id, kind, ordinal, entity_id, registration)
          SELECT v_id, 'VEHICLE', c.n - 1, ersou.li_keyed_entity('VEHICLE', c.v->>'registration'), c.v->>'registration'
            FROM jsonb_array_elements(doc->'couriers') WITH ORDINALITY c(v, n)
           WHERE c.v->>'registration' IS NOT NULL
          ON CONFLICT DO NOTHING;

          INSERT INTO ersou.li_links(incident_id, kind, ordinal, entity_id, name, date_of_birth)
          SELECT v_id, 'SUSPECT', s.n - 1, e.id, s.v->>'name', (s.v->>'dateOfBirth')::date
            FROM jsonb_array_elements(doc->'suspects') WITH ORDINALITY s(v, n)
            CROSS JOIN LATERAL (SELECT ersou.li_person_node('SUSPECT', k) AS id FROM jsonb_array_elements_text(s.v->'keys') k
                                UNION ALL
                                SELECT ersou.li_keyed_entity('SUSPECT', 'sighting|' || v_id::text || '|' || (s.n - 1))
                                 WHERE jsonb_array_length(s.v->'keys') = 0) e;

          IF v_old IS NULL THEN
            RETURN '{}';
          END IF;
          SELECT coalesce(array_agg(e), '{}') INTO v_dropped FROM unnest(v_old) e
           WHERE NOT EXISTS (SELECT 1 FROM ersou.li_links l WHERE l.incident_id = v_id AND l.entity_id = e);
          RETURN v_dropped;
        END;
        $function$;
        """,
        """
        CREATE OR REPLACE FUNCTION ersou.li_doc_links(docs jsonb)
         RETURNS TABLE(incident_id uuid, kind text, ordinal integer, person boolean, node_key text, role text, name text, description text, registration text, date_of_birth date)
         LANGUAGE plpgsql
         STABLE ROWS 300
         SET jit TO 'off'
        AS $function$
        BEGIN
          -- The links of incident payloads, as li_link_incident makes them one incident at a time.
          RETURN QUERY
          SELECT (d->>'id')::uuid, 'PHONE', (p.n - 1)::int, false, p.v->>'e164', p.v->>'role', NULL, NULL, NULL, NULL::date
            FROM jsonb_array_elements(docs) d, jsonb_array_elements(d#>'{details,phoneNumbers}') WITH ORDINALITY p(v, n)
          UNION ALL
          SELECT (d->>'id')::uuid, 'COURIER', (c.n - 1)::int, k.key IS NOT NULL,
                 coalesce(k.key, 'sighting|' || ((d->>'id')::uuid)::text || '|' || (c.n - 1)),
                 NULL, c.v->>'name', c.v->>'description', c.v->>'registration', (c.v->>'dateOfBirth')::date
            FROM jsonb_array_elements(docs) d
            CROSS JOIN LATERAL jsonb_array_elements(d->'couriers') WITH ORDINALITY c(v, n)
            LEFT JOIN LATERAL jsonb_array_elements_text(c.v->'keys') k(key) ON true
          UNION ALL
          SELECT (d->>'id')::uuid, 'VEHICLE', (c.n - 1)::int, false, c.v->>'registration', NULL, NULL, NULL, c.v->>'registration', NULL::date
            FROM jsonb_array_elements(docs) d, jsonb_array_elements(d->'couriers') WITH ORDINALITY c(v, n)
           WHERE c.v->>'registration' IS NOT NULL
          UNION ALL
          SELECT (d->>'id')::uuid, 'SUSPECT', (s.n - 1)::int, k.key IS NOT NULL,
                 coalesce(k.key, 'sighting|' || ((d->>'id')::uuid)::text || '|' || (s.n - 1)),
                 NULL, s.v->>'name', NULL, NULL, (s.v->>'dateOfBirth')::date
            FROM jsonb_array_elements(docs) d
            CROSS JOIN LATERAL jsonb_array_elements(d->'suspects') WITH ORDINALITY s(v, n)
            LEFT JOIN LATERAL jsonb_array_elements_text(s.v->'keys') k(key) ON true;
        END;
        $function$;
        """,
        """
        CREATE OR REPLACE FUNCTION ersou.li_link_incidents(docs jsonb, OUT dropped uuid[], OUT created uuid[])
         RETURNS record
         LANGUAGE plpgsql
         SET jit TO 'off'
        AS $function$
        DECLARE
          v_ids uuid[];
          v_old_incidents uuid[];
          v_old_entities uuid[];
          v_doc jsonb;
        BEGIN
          -- li_link_incident for many incidents at once, set-based. Returns the entities they no longer
          -- carry and the nodes made here.
          dropped := '{}';
          created := '{}';
          SELECT array_agg((d->>'id')::uuid) INTO v_ids FROM jsonb_array_elements(docs) d;
          IF v_ids IS NULL THEN
            RETURN;
          END IF;
          IF cardinality(v_ids) > (SELECT count(DISTINCT x) FROM unnest(v_ids) x) THEN
            -- One incident twice (a report and its amendment): one after another, in order.
            FOR v_doc IN SELECT value FROM jsonb_array_elements(docs) LOOP
              dropped := dropped || ersou.li_link_incident(v_doc);
            END LOOP;
            RETURN;
          END IF;

          INSERT INTO ersou.li_incidents(id, force, force_reference, handling, category, occurred_at, reported_at, updated_at, retracted, version, details)
          SELECT (d->>'id')::uuid, d->>'force',
                 -- An amendment does not carry the reference: it keeps the one first reported.
                 coalesce(d->>'forceReference', (SELECT i.force_reference FROM ersou.li_incidents i WHERE i.id = (d->>'id')::uuid)),
                 d#>>'{details,grading,handling}', d#>>'{details,category}', (d#>>'{details,occurredAt}')::timestamptz,
                 (d->>'recordedAt')::timestamptz, (d->>'recordedAt')::timestamptz, false, (d->>'version')::int, d->'details'
            FROM jsonb_array_elements(docs) d
          ON CONFLICT (id) DO UPDATE SET handling = excluded.handling, category = excluded.category, occurred_at = excluded.occurred_at,
                 updated_at = excluded.updated_at, version = excluded.version, details = excluded.details;

          SELECT array_agg(l.incident_id), array_agg(l.entity_id) INTO v_old_incidents, v_old_entities
            FROM ersou.li_links l WHERE l.incident_id = ANY(v_ids);
          IF v_old_incidents IS NOT NULL THEN
            DELETE FROM ersou.li_links WHERE incident_id = ANY(v_ids);
          END IF;

          -- Nodes first, in one global order (kind, key): concurrent pushes that share numbers, cars or
          -- people then wait for each other in the same order instead of deadlocking on each other's new
          -- rows. Numbers, cars and sightings without keys are named by a hash of what they are; a
          -- person's identity key gets a random node id (no way to test guesses of a PNC ID).
          WITH made AS (
            INSERT INTO ersou.li_entities(id, kind, key)
            SELECT md5(n.kind || '|' || n.node_key)::uuid, n.kind, n.node_key
              FROM (SELECT DISTINCT l.kind, l.node_key FROM ersou.li_doc_links(docs) l WHERE NOT l.person) n
             ORDER BY n.kind, n.node_key
            ON CONFLICT (id) DO NOTHING
            RETURNING id)
          SELECT coalesce(array_agg(id), '{}') INTO created FROM made;
          WITH keys AS (
            INSERT INTO ersou.li_entity_keys(kind, key, entity_id)
            SELECT p.kind, p.node_key, gen_random_uuid()
              FROM (SELECT DISTINCT l.kind, l.node_key FROM ersou.li_doc_links(docs) l WHERE l.person) p
             ORDER BY p.kind, p.node_key
            ON CONFLICT DO NOTHING
            RETURNING kind, key, entity_id),
          made AS (
            INSERT INTO ersou.li_entities(id, kind, key)
            SELECT entity_id, kind, key FROM keys
            ON CONFLICT (id) DO NOTHING
            RETURNING id)
          SELECT created || coalesce(array_agg(id), '{}') INTO created FROM made;

          INSERT INTO ersou.li_links(incident_id, kind, ordinal, entity_id, role, name, description, registration, date_of_birth)
          SELECT l.incident_id, l.kind, l.ordinal, CASE WHEN l.person THEN k.entity_id ELSE md5(l.kind || '|' || l.node_key)::uuid END,
                 l.role, l.name, l.description, l.registration, l.date_of_birth
            FROM ersou.li_doc_links(docs) l
            LEFT JOIN ersou.li_entity_keys k ON l.person AND k.kind = l.kind AND k.key = l.node_key;

          IF v_old_incidents IS NOT NULL THEN
            SELECT coalesce(array_agg(DISTINCT o.e), '{}') INTO dropped
              FROM unnest(v_old_incidents, v_old_entities) o(i, e)
             WHERE NOT EXISTS (SELECT 1 FROM ersou.li_links l WHERE l.incident_id = o.i AND l.entity_id = o.e);
          END IF;
        END;
        $function$;
        """,
        """
        CREATE OR REPLACE FUNCTION ersou.li_apply_incident_unsafe(doc jsonb)
         RETURNS void
         LANGUAGE plpgsql
        AS $function$
        DECLARE
          v_dropped uuid[];
        BEGIN
          v_dropped := ersou.li_link_incident(doc);
          PERFORM ersou.li_match_entities(ARRAY[(doc->>'id')::uuid], v_dropped, (doc->>'recordedAt')::timestamptz);
        END;
        $function$;
        """,
        """
        CREATE OR REPLACE FUNCTION ersou.li_retract_incident_unsafe(p_id uuid, p_version integer, p_at timestamp with time zone)
         RETURNS void
         LANGUAGE plpgsql
        AS $function$
        DECLARE
          v_old uuid[];
        BEGIN
          UPDATE ersou.li_incidents SET retracted = true, version = p_version, updated_at = p_at WHERE id = p_id;
          SELECT array_agg(DISTINCT entity_id) INTO v_old FROM ersou.li_links WHERE incident_id = p_id;
          DELETE FROM ersou.li_links WHERE incident_id = p_id;
          DELETE FROM ersou.li_match_incidents WHERE incident_id = p_id;
          PERFORM ersou.li_refresh_match(e, p_at) FROM unnest(coalesce(v_old, '{}')) e;
        END;
        $function$;
        """,
        """
        CREATE OR REPLACE FUNCTION ersou.li_apply_incident(doc jsonb)
         RETURNS void
         LANGUAGE plpgsql
        AS $function$
        BEGIN
          PERFORM ersou.li_apply_incident_unsafe(doc);
        EXCEPTION
          -- Races and cancellations are not poison: the writer retries them.
          WHEN deadlock_detected OR serialization_failure OR lock_not_available OR query_canceled THEN RAISE;
          WHEN OTHERS THEN
          -- A poison event: its partial graph work is rolled back to this block, the event itself is
          -- kept, and it is set aside for an operator instead of stopping every later push.
          INSERT INTO ersou.li_dead_letters(incident_id, operation, error, payload)
          VALUES ((doc->>'id')::uuid, 'apply', SQLSTATE || ': ' || SQLERRM, doc);
        END;
        $function$;
        """,
        """
        CREATE OR REPLACE FUNCTION ersou.li_apply_incidents(docs jsonb)
         RETURNS void
         LANGUAGE plpgsql
         SET jit TO 'off'
        AS $function$
        DECLARE
          v_doc jsonb;
          v_ids uuid[];
          v_at timestamptz;
          v_dropped uuid[];
          v_created uuid[];
        BEGIN
          -- A batch of incident events, in order: linked together (li_link_incidents), then the matches of
          -- all the entities they touched worked out once per entity (li_match_batch). One exception block
          -- (a subtransaction) for the whole batch rather than one per event.
          -- Idempotent: an event whose incident is stored at its version or later was applied already (a
          -- daemon batch replayed after a crash, or a graph kept apart from the events' transaction).
          SELECT coalesce(jsonb_agg(x.d ORDER BY x.n), '[]') INTO docs
            FROM jsonb_array_elements(docs) WITH ORDINALITY x(d, n)
           WHERE NOT EXISTS (SELECT 1 FROM ersou.li_incidents i WHERE i.id = (x.d->>'id')::uuid AND i.version >= (x.d->>'version')::int);
          IF jsonb_array_length(docs) = 0 THEN
            RETURN;
          END IF;
          BEGIN
            SELECT l.dropped, l.created INTO v_dropped, v_created FROM ersou.li_link_incidents(docs) l;
            SELECT array_agg((d->>'id')::uuid), max((d->>'recordedAt')::timestamptz) INTO v_ids, v_at FROM jsonb_array_elements(docs) d;
            PERFORM ersou.li_match_batch(v_ids, v_dropped, v_created, v_at);
          EXCEPTION
            WHEN deadlock_detected OR serialization_failure OR lock_not_available OR query_canceled THEN RAISE;
            WHEN OTHERS THEN
            -- A poison event in the batch: all of the batch's graph work is rolled back to this block, and
            -- the events are applied again one at a time, each in a block of its own, so that only the
            -- poison is set aside.
            FOR v_doc IN SELECT value FROM jsonb_array_elements(docs) LOOP
              PERFORM ersou.li_apply_incident(v_doc);
            END LOOP;
          END;
        END;
        $function$;
        """,
        """
        CREATE OR REPLACE FUNCTION ersou.li_open_case(p_id uuid, p_reference text, p_title text, p_operation text, p_lead text, p_opened timestamp with time zone, p_version integer, p_opened_by text, p_set_aside boolean)
         RETURNS void
         LANGUAGE plpgsql
        AS $function$
        BEGIN
          -- Idempotent: a case already there is left as it is.
          INSERT INTO ersou.li_cases(id, reference, title, operation_name, lead_force, status, opened_at, version)
          VALUES (p_id, p_reference, p_title, p_operation, p_lead, 'OPEN', p_opened, p_version)
          ON CONFLICT (id) DO NOTHING;
          INSERT INTO ersou.li_case_members(case_id, subject) VALUES (p_id, p_opened_by) ON CONFLICT DO NOTHING;
        EXCEPTION
          -- A second case with a reference already taken. Inline (p_set_aside false) the opening fails
          -- and is refused as a duplicate; applied by the daemon, after the events committed, it is set
          -- aside for an operator rather than stopping the projection.
          WHEN unique_violation THEN
            IF NOT p_set_aside THEN
              RAISE;
            END IF;
            INSERT INTO ersou.li_dead_letters(incident_id, operation, error, payload)
            VALUES (p_id, 'open-case', SQLSTATE || ': ' || SQLERRM, jsonb_build_object('reference', p_reference, 'version', p_version));
        END;
        $function$;
        """,
        """
        CREATE OR REPLACE FUNCTION ersou.li_retract_incident(p_id uuid, p_version integer, p_at timestamp with time zone)
         RETURNS void
         LANGUAGE plpgsql
        AS $function$
        BEGIN
          -- Idempotent, as li_apply_incidents: a retraction already applied changes nothing.
          IF EXISTS (SELECT 1 FROM ersou.li_incidents WHERE id = p_id AND version >= p_version) THEN
            RETURN;
          END IF;
          PERFORM ersou.li_retract_incident_unsafe(p_id, p_version, p_at);
        EXCEPTION
          WHEN deadlock_detected OR serialization_failure OR lock_not_available OR query_canceled THEN RAISE;
          WHEN OTHERS THEN
          INSERT INTO ersou.li_dead_letters(incident_id, operation, error, payload)
          VALUES (p_id, 'retract', SQLSTATE || ': ' || SQLERRM, jsonb_build_object('version', p_version, 'at', p_at));
        END;
        $function$;
        """,
    ];
}
