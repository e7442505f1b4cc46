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
