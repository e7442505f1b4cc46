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
