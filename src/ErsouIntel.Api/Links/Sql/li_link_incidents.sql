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
  v_one_dropped uuid[];
  v_one_created uuid[];
  l_incident uuid[];
  l_kind text[];
  l_ordinal integer[];
  l_person boolean[];
  l_key text[];
  l_role text[];
  l_name text[];
  l_description text[];
  l_registration text[];
  l_date_of_birth date[];
BEGIN
  -- Upserts the incidents and replaces their links, set-based. Returns the entities they no longer
  -- carry and the nodes made here (which no other writer can link before this transaction ends).
  dropped := '{}';
  created := '{}';
  SELECT array_agg((d->>'id')::uuid) INTO v_ids FROM jsonb_array_elements(docs) d;
  IF v_ids IS NULL THEN
    RETURN;
  END IF;
  IF cardinality(v_ids) > (SELECT count(DISTINCT x) FROM unnest(v_ids) x) THEN
    -- One incident twice (a report and its amendment): one after another, in order, each as a set of one.
    FOR v_doc IN SELECT value FROM jsonb_array_elements(docs) LOOP
      SELECT l.dropped, l.created INTO v_one_dropped, v_one_created FROM ersou.li_link_incidents(jsonb_build_array(v_doc)) l;
      dropped := dropped || v_one_dropped;
      created := created || v_one_created;
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

  -- The payloads' links read once (three statements below use them): a column each, in one order.
  SELECT array_agg(l.incident_id), array_agg(l.kind), array_agg(l.ordinal), array_agg(l.person), array_agg(l.node_key),
         array_agg(l.role), array_agg(l.name), array_agg(l.description), array_agg(l.registration), array_agg(l.date_of_birth)
    INTO l_incident, l_kind, l_ordinal, l_person, l_key, l_role, l_name, l_description, l_registration, l_date_of_birth
    FROM ersou.li_doc_links(docs) l;

  -- Nodes first, in one global order (kind, key): concurrent pushes that share numbers, cars or
  -- people then wait for each other in the same order instead of deadlocking on each other's new
  -- rows. Numbers, cars and sightings without keys are named by a hash of what they are; a
  -- person's identity key gets a random node id (no way to test guesses of a PNC ID).
  WITH made AS (
    INSERT INTO ersou.li_entities(id, kind, key)
    SELECT ersou.li_node_id(n.kind, n.node_key), n.kind, n.node_key
      FROM (SELECT DISTINCT l.kind, l.node_key FROM unnest(l_kind, l_key, l_person) l(kind, node_key, person) WHERE NOT l.person) n
     ORDER BY n.kind, n.node_key
    ON CONFLICT (id) DO NOTHING
    RETURNING id)
  SELECT coalesce(array_agg(id), '{}') INTO created FROM made;
  WITH keys AS (
    INSERT INTO ersou.li_entity_keys(kind, key, entity_id)
    SELECT p.kind, p.node_key, gen_random_uuid()
      FROM (SELECT DISTINCT l.kind, l.node_key FROM unnest(l_kind, l_key, l_person) l(kind, node_key, person) WHERE l.person) p
     ORDER BY p.kind, p.node_key
    ON CONFLICT DO NOTHING
    RETURNING kind, key, entity_id),
  made AS (
    INSERT INTO ersou.li_entities(id, kind, key)
    SELECT entity_id, kind, key FROM keys
    ON CONFLICT (id) DO NOTHING
    RETURNING id)
  SELECT created || coalesce(array_agg(id), '{}') INTO created FROM made;

  INSERT INTO ersou.li_links(incident_id, kind, ordinal, entity_id, role, name, description, registration, date_of_birth, occurred_at)
  SELECT l.incident_id, l.kind, l.ordinal, CASE WHEN l.person THEN k.entity_id ELSE ersou.li_node_id(l.kind, l.node_key) END,
         l.role, l.name, l.description, l.registration, l.date_of_birth, i.occurred_at
    FROM unnest(l_incident, l_kind, l_ordinal, l_person, l_key, l_role, l_name, l_description, l_registration, l_date_of_birth)
         l(incident_id, kind, ordinal, person, node_key, role, name, description, registration, date_of_birth)
    JOIN ersou.li_incidents i ON i.id = l.incident_id
    LEFT JOIN ersou.li_entity_keys k ON l.person AND k.kind = l.kind AND k.key = l.node_key;

  IF v_old_incidents IS NOT NULL THEN
    SELECT coalesce(array_agg(DISTINCT o.e), '{}') INTO dropped
      FROM unnest(v_old_incidents, v_old_entities) o(i, e)
     WHERE NOT EXISTS (SELECT 1 FROM ersou.li_links l WHERE l.incident_id = o.i AND l.entity_id = o.e);
  END IF;
END;
$function$;
