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
    v_match := ersou.li_match_id(p_entity, c.case_id);
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
