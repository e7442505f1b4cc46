CREATE OR REPLACE FUNCTION ersou.li_link_and_match(docs jsonb)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_ids uuid[];
  v_at timestamp with time zone;
  v_dropped uuid[];
  v_created uuid[];
BEGIN
  -- The one linking path: a set of incident payloads (a push's events, a bulk load's batch, or one
  -- event retried on its own) linked together (li_link_incidents), then the matches of every entity
  -- they touched worked out once per entity (li_match_batch). No exception block of its own: the
  -- caller decides what a failure costs.
  SELECT l.dropped, l.created INTO v_dropped, v_created FROM ersou.li_link_incidents(docs) l;
  SELECT array_agg((d->>'id')::uuid), max((d->>'recordedAt')::timestamptz) INTO v_ids, v_at FROM jsonb_array_elements(docs) d;
  PERFORM ersou.li_match_batch(v_ids, v_dropped, v_created, v_at);
END;
$function$;
