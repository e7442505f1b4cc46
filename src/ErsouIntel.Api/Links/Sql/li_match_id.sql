CREATE OR REPLACE FUNCTION ersou.li_match_id(p_entity uuid, p_case uuid)
 RETURNS uuid
 LANGUAGE sql
 IMMUTABLE
AS $function$
  -- A match is named by what it is about, so that every writer that finds it names the same row: an
  -- entity across forces (p_case null), or an entity onto an open case. A plain SQL expression, which
  -- the planner inlines where it is used.
  SELECT md5('MATCH|' || p_entity::text || coalesce('|' || p_case::text, ''))::uuid
$function$;
