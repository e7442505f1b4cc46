-- Fills the link-graph tables of an EMPTY service database with synthetic data at regional scale:
-- one phone number and one courier a incident, most numbers on two incidents, a boiler-room
-- number on 1 in 200 incidents, couriers on about 20 incidents each. Then run link-graph-explain.sql.
--   psql -v incidents=1000000 -f scripts/link-graph-fill.sql
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
select md5('PHONE|' || n)::uuid, 'PHONE', '+4477009' || lpad(n::text, 6, '0') from generate_series(0, :incidents / 2) n;
insert into ersou.li_entities(id, kind, key)
select md5('COURIER|' || c)::uuid, 'COURIER', 'pnc:' || c from generate_series(0, :incidents / 20) c;

insert into ersou.li_links(incident_id, kind, ordinal, entity_id, role, occurred_at)
select md5('inc' || g)::uuid, 'PHONE', 0, md5('PHONE|' || (case when g % 200 = 0 then 0 else (g::bigint * 7919) % (:incidents / 2) end))::uuid, 'Caller',
       timestamptz '2020-01-01' + (g || ' minutes')::interval
  from generate_series(1, :incidents) g;
insert into ersou.li_links(incident_id, kind, ordinal, entity_id, name, occurred_at)
select md5('inc' || g)::uuid, 'COURIER', 0, md5('COURIER|' || ((g::bigint * 104729) % (:incidents / 20)))::uuid, 'Courier ' || g,
       timestamptz '2020-01-01' + (g || ' minutes')::interval
  from generate_series(1, :incidents) g;
analyze;

