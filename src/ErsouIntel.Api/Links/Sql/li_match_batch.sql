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
   WHERE g.forces <@ (SELECT m.forces FROM ersou.li_matches m WHERE m.id = ersou.li_match_id(g.entity_id, NULL))
     AND NOT (g.entity_id = ANY(p_dropped));
  INSERT INTO ersou.li_match_incidents(match_id, incident_id)
  SELECT ersou.li_match_id(b.entity_id, NULL), b.incident_id
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
