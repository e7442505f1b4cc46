CREATE OR REPLACE FUNCTION ersou.li_grow_entity_match(p_entity uuid, p_incidents uuid[], p_forces text[], p_at timestamp with time zone)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_stored text[];
  v_match uuid := ersou.li_match_id(p_entity, NULL);
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
