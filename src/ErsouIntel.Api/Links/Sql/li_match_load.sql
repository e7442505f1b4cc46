CREATE OR REPLACE FUNCTION ersou.li_match_load(p_entities uuid[], p_at timestamp with time zone)
 RETURNS integer
 LANGUAGE plpgsql
 SET jit TO 'off'
AS $function$
DECLARE
  r record;
  v_matched integer;
BEGIN
  -- The matches of entities a bulk load linked (its incidents wait in li_load_pending), worked out
  -- once per load instead of once per batch, a slice of entities per call. The rule li_match_batch
  -- keeps push by push (ErsouIntel.Domain.Links.MatchRule): an entity carried by incidents of two
  -- forces or more is a match holding those forces and every incident that carries it. A load only
  -- adds incidents, so forces grow by union, as concurrent pushes grow them (li_grow_entity_match);
  -- the load's links are committed before this runs, so a push that makes a match meanwhile sees
  -- them, and whichever writes second unions. Entities in id order, as every writer takes them.
  WITH carried AS (
    SELECT l.entity_id, array_agg(DISTINCT i.force ORDER BY i.force) AS forces
      FROM unnest(p_entities) x(entity_id)
      JOIN ersou.li_links l ON l.entity_id = x.entity_id
      JOIN ersou.li_incidents i ON i.id = l.incident_id
     GROUP BY l.entity_id
    HAVING count(DISTINCT i.force) > 1),
  made AS (
    INSERT INTO ersou.li_matches(id, kind, key, entity_id, case_id, detected_at, updated_at, forces)
    SELECT ersou.li_match_id(e.id, NULL), e.kind, e.key, e.id, NULL, p_at, p_at, c.forces
      FROM carried c JOIN ersou.li_entities e ON e.id = c.entity_id
     ORDER BY e.id
    ON CONFLICT (id) DO UPDATE
      SET forces = ARRAY(SELECT DISTINCT f FROM unnest(ersou.li_matches.forces || excluded.forces) f ORDER BY f),
          updated_at = excluded.updated_at
      WHERE NOT (excluded.forces <@ ersou.li_matches.forces)
    RETURNING 1),
  joined AS (
    INSERT INTO ersou.li_match_incidents(match_id, incident_id)
    SELECT ersou.li_match_id(c.entity_id, NULL), l.incident_id
      FROM carried c JOIN ersou.li_links l ON l.entity_id = c.entity_id
    ON CONFLICT DO NOTHING
    RETURNING 1)
  SELECT count(*) INTO v_matched FROM carried;

  -- Entities also on an incident of an open case: the load's incidents that carry them, as li_match_batch does for a push.
  IF EXISTS (SELECT 1 FROM ersou.li_cases WHERE status = 'OPEN') THEN
    FOR r IN SELECT l.entity_id, array_agg(DISTINCT l.incident_id) AS incidents
               FROM unnest(p_entities) x(entity_id)
               JOIN ersou.li_links l ON l.entity_id = x.entity_id
               JOIN ersou.li_load_pending p ON p.incident_id = l.incident_id
              WHERE l.entity_id IN (SELECT o.entity_id
                                      FROM ersou.li_case_incidents ci
                                      JOIN ersou.li_cases k ON k.id = ci.case_id AND k.status = 'OPEN'
                                      JOIN ersou.li_links o ON o.incident_id = ci.incident_id)
              GROUP BY l.entity_id
              ORDER BY l.entity_id LOOP
      PERFORM ersou.li_case_matches(r.entity_id, r.incidents, p_at);
    END LOOP;
  END IF;
  RETURN v_matched;
END;
$function$;
