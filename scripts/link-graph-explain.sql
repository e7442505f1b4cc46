-- The plans and timings of the queries linkedCouriers runs per hop (Links/LinkedCouriers.cs),
-- over a database filled by link-graph-fill.sql. Not the benchmark (that goes through the API):
-- a check that every step is an index range scan and that a boiler-room number stays bounded.
--   psql -v incidents=1000000 -f scripts/link-graph-explain.sql
\set ON_ERROR_STOP on
select count(*) as incidents from ersou.li_incidents;
select count(*) as links from ersou.li_links;

\echo 'Hop 1 from an ordinary number'
explain (analyze, buffers, costs off)
select distinct e.id, l.incident_id from ersou.li_entities e join ersou.li_links l on l.entity_id = e.id
 where e.kind = 'PHONE' and e.key = '+4477009' || lpad(((1234::bigint * 7919) % (:incidents / 2))::text, 6, '0') limit 20000;

\echo 'The links of a hop (couriers and entities to walk)'
explain (analyze, buffers, costs off)
select incident_id, entity_id, kind from ersou.li_links
 where incident_id = any(array(select l.incident_id from ersou.li_links l where l.entity_id = md5('PHONE|' || ((1234::bigint * 7919) % (:incidents / 2)))::uuid));

\echo 'The next hop: incidents of those entities'
explain (analyze, buffers, costs off)
select incident_id, entity_id from ersou.li_links
 where entity_id = any(array(select entity_id from ersou.li_links where incident_id = any(array(select l.incident_id from ersou.li_links l where l.entity_id = md5('PHONE|' || ((1234::bigint * 7919) % (:incidents / 2)))::uuid))))
 limit 20000;

\echo 'The boiler room: the links of the 5,000 incidents of one number'
explain (analyze, buffers, costs off)
select incident_id, entity_id, kind from ersou.li_links
 where incident_id = any(array(select l.incident_id from ersou.li_links l where l.entity_id = md5('PHONE|0')::uuid));

\echo 'The boiler room: the next hop, capped'
explain (analyze, buffers, costs off)
select incident_id, entity_id from ersou.li_links
 where entity_id = any(array(select distinct entity_id from ersou.li_links where incident_id = any(array(select l.incident_id from ersou.li_links l where l.entity_id = md5('PHONE|0')::uuid)) and entity_id <> md5('PHONE|0')::uuid))
 limit 20000;
