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
  -- A second case with a reference its lead force already uses (li_cases_reference is unique
  -- on (lead_force, reference): another force's reference never collides). Inline (p_set_aside false) the opening fails
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
