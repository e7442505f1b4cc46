-- Fills the link-graph tables of an EMPTY database with synthetic data at regional scale and
-- shows the plans and timings of the queries linkedCouriers runs per hop. Not the benchmark
-- (that goes through the API); a check that the graph's shape is index-backed.
--   psql -v incidents=1000000 -f scripts/link-graph-explain.sql
\set ON_ERROR_STOP on
\timing on
set synchronous_commit = off;

insert into ersou.li_incidents(id, force, force_reference, handling, category, occurred_at, reported_at, updated_at, retracted, version, details)
select md5('inc' || g)::uuid,
       (array['BEDFORDSHIRE','CAMBRIDGESHIRE','ESSEX','HERTFORDSHIRE','NORFOLK','SUFFOLK'])[1 + g % 6],
       'REF/' || g, case when g % 5 = 0 then 'C' else 'P' end, 'CourierFraud',
       timestamptz '2020-01-01' + (g || ' minutes')::interval, now(), now(), false, 1, '{}'::jsonb
  from generate_series(1, :incidents) g;

-- Numbers: most seen once or twice, a boiler room on 5,000 incidents.
insert into ersou.li_entities(id, kind, key)
select md5('PHONE|' || n)::uuid, 'PHONE', '+4477009' || lpad(n::text, 5, '0') from generate_series(0, :incidents / 2) n;
insert into ersou.li_entities(id, kind, key)
select md5('COURIER|' || c)::uuid, 'COURIER', 'pnc:' || c from generate_series(0, :incidents / 20) c;

insert into ersou.li_links(incident_id, kind, ordinal, entity_id, role)
select md5('inc' || g)::uuid, 'PHONE', 0, md5('PHONE|' || (case when g % 200 = 0 then 0 else (g * 7919) % (:incidents / 2) end))::uuid, 'Caller'
  from generate_series(1, :incidents) g;
insert into ersou.li_links(incident_id, kind, ordinal, entity_id, name)
select md5('inc' || g)::uuid, 'COURIER', 0, md5('COURIER|' || ((g * 104729) % (:incidents / 20)))::uuid, 'Courier ' || g
  from generate_series(1, :incidents) g;
analyze;

select count(*) as incidents from ersou.li_incidents;
select count(*) as links from ersou.li_links;

-- Hop 1 from an ordinary number, then hop 2 from those incidents.
\set phone '\'+447700900123\''
explain (analyze, buffers, costs off)
select distinct l.incident_id from ersou.li_links l join ersou.li_entities e on e.id = l.entity_id where e.kind = 'PHONE' and e.key = '+4477009' || lpad(((1234 * 7919) % (:incidents / 2))::text, 5, '0');

explain (analyze, buffers, costs off)
with level as (select distinct l.incident_id from ersou.li_links l where l.entity_id = md5('PHONE|' || ((1234 * 7919) % (:incidents / 2)))::uuid)
select distinct l2.incident_id, l1.incident_id from ersou.li_links l1 join ersou.li_links l2 on l2.entity_id = l1.entity_id
 where l1.incident_id in (select incident_id from level) limit 20000;

-- The boiler room: 2-hop from a number on thousands of incidents, bounded by the walk's cap.
explain (analyze, buffers, costs off)
with level as (select distinct l.incident_id from ersou.li_links l where l.entity_id = md5('PHONE|0')::uuid)
select distinct l2.incident_id, l1.incident_id from ersou.li_links l1 join ersou.li_links l2 on l2.entity_id = l1.entity_id
 where l1.incident_id in (select incident_id from level) limit 20000;
