CREATE OR REPLACE FUNCTION ersou.li_apply_incidents(docs jsonb)
 RETURNS void
 LANGUAGE plpgsql
 SET jit TO 'off'
AS $function$
DECLARE
  v_doc jsonb;
BEGIN
  -- A batch of incident events, in order, through li_link_and_match. One exception block (a
  -- subtransaction) for the whole batch rather than one per event.
  -- Idempotent: an event whose incident is stored at its version or later was applied already (a
  -- daemon batch replayed after a crash, or a graph kept apart from the events' transaction).
  SELECT coalesce(jsonb_agg(x.d ORDER BY x.n), '[]') INTO docs
    FROM jsonb_array_elements(docs) WITH ORDINALITY x(d, n)
   WHERE NOT EXISTS (SELECT 1 FROM ersou.li_incidents i WHERE i.id = (x.d->>'id')::uuid AND i.version >= (x.d->>'version')::int);
  IF jsonb_array_length(docs) = 0 THEN
    RETURN;
  END IF;
  BEGIN
    PERFORM ersou.li_link_and_match(docs);
  EXCEPTION
    WHEN deadlock_detected OR serialization_failure OR lock_not_available OR query_canceled THEN RAISE;
    WHEN OTHERS THEN
    -- A poison event in the batch: all of the batch's graph work is rolled back to this block, and
    -- the events are applied again one at a time, each in a block of its own, so that only the
    -- poison is set aside.
    FOR v_doc IN SELECT value FROM jsonb_array_elements(docs) LOOP
      PERFORM ersou.li_apply_incident(v_doc);
    END LOOP;
  END;
END;
$function$;
