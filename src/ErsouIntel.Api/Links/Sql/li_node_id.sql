CREATE OR REPLACE FUNCTION ersou.li_node_id(p_kind text, p_key text)
 RETURNS uuid
 LANGUAGE sql
 IMMUTABLE
AS $function$
  -- Numbers, cars and sightings without keys are named by a hash of what they are, so concurrent
  -- writers make the same node. Not a person's identity key: those get a random id (li_link_incidents).
  SELECT md5(p_kind || '|' || p_key)::uuid
$function$;
