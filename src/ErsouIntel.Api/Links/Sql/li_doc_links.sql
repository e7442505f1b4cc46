CREATE OR REPLACE FUNCTION ersou.li_doc_links(docs jsonb)
 RETURNS TABLE(incident_id uuid, kind text, ordinal integer, person boolean, node_key text, role text, name text, description text, registration text, date_of_birth date)
 LANGUAGE plpgsql
 STABLE ROWS 300
 SET jit TO 'off'
AS $function$
BEGIN
  -- The links of incident payloads as rows, one per node a payload names: the one place the payload's
  -- shape is read for linking.
  RETURN QUERY
  SELECT (d->>'id')::uuid, 'PHONE', (p.n - 1)::int, false, p.v->>'e164', p.v->>'role', NULL, NULL, NULL, NULL::date
    FROM jsonb_array_elements(docs) d, jsonb_array_elements(d#>'{details,phoneNumbers}') WITH ORDINALITY p(v, n)
  UNION ALL
  SELECT (d->>'id')::uuid, 'COURIER', (c.n - 1)::int, k.key IS NOT NULL,
         coalesce(k.key, 'sighting|' || ((d->>'id')::uuid)::text || '|' || (c.n - 1)),
         NULL, c.v->>'name', c.v->>'description', c.v->>'registration', (c.v->>'dateOfBirth')::date
    FROM jsonb_array_elements(docs) d
    CROSS JOIN LATERAL jsonb_array_elements(d->'couriers') WITH ORDINALITY c(v, n)
    LEFT JOIN LATERAL jsonb_array_elements_text(c.v->'keys') k(key) ON true
  UNION ALL
  SELECT (d->>'id')::uuid, 'VEHICLE', (c.n - 1)::int, false, c.v->>'registration', NULL, NULL, NULL, c.v->>'registration', NULL::date
    FROM jsonb_array_elements(docs) d, jsonb_array_elements(d->'couriers') WITH ORDINALITY c(v, n)
   WHERE c.v->>'registration' IS NOT NULL
  UNION ALL
  SELECT (d->>'id')::uuid, 'SUSPECT', (s.n - 1)::int, k.key IS NOT NULL,
         coalesce(k.key, 'sighting|' || ((d->>'id')::uuid)::text || '|' || (s.n - 1)),
         NULL, s.v->>'name', NULL, NULL, (s.v->>'dateOfBirth')::date
    FROM jsonb_array_elements(docs) d
    CROSS JOIN LATERAL jsonb_array_elements(d->'suspects') WITH ORDINALITY s(v, n)
    LEFT JOIN LATERAL jsonb_array_elements_text(s.v->'keys') k(key) ON true;
END;
$function$;
