CREATE OR REPLACE FUNCTION ersou.li_refresh_match(p_entity uuid, p_at timestamp with time zone)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_forces text[];
  v_match uuid := ersou.li_match_id(p_entity, NULL);
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
