CREATE OR REPLACE FUNCTION ersou.li_apply_incident(doc jsonb)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
BEGIN
  -- One event through the same path as a batch, as a set of one, in an exception block of its own.
  PERFORM ersou.li_link_and_match(jsonb_build_array(doc));
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
