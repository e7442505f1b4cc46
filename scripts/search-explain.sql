-- The plans and timings of the statements search(text) runs (Links/Questions/EntitySearch.cs), over a
-- database filled by link-graph-fill.sql, for an Essex investigator. Not the benchmark (that goes
-- through the API): a check that every lookup is an index probe and that a common name prefix stays
-- bounded. The fill names every courier sighting "Courier <n>": the word "courier" is on all
-- 1,000,000 of them (the worst case a prefix can be), "<n>" on one each. It writes no PNC keys
-- (li_entity_keys is empty) and no suspects.
--   psql -v incidents=1000000 -f scripts/search-explain.sql
\set ON_ERROR_STOP on
\set force '''ESSEX'''
\set subject '''essex-investigator'''

\echo 'Identifiers: a number, a registration, a PNC ID, a reference and an id, in one statement'
explain (analyze, buffers, costs off)
with asked(ord, matched_on, id) as (
    select 0, 'E164', e.id from ersou.li_entities e where e.kind = 'PHONE' and e.key = '+4477009' || lpad(((1234::bigint * 7919) % (:incidents / 2))::text, 6, '0')
    union all
    select 1, 'REGISTRATION', e.id from ersou.li_entities e where e.kind = 'VEHICLE' and e.key = 'REF1234'
    union all
    select 2, 'PNC_ID', k.entity_id from ersou.li_entity_keys k where k.kind in ('COURIER', 'SUSPECT') and k.key = 'pnc:19/1234A'
    union all
    select 4, 'ID', e.id from ersou.li_entities e where e.id = md5('inc1234')::uuid
)
select a.ord, a.matched_on, e.id, e.kind, e.key, '' as force,
       exists (select 1 from ersou.li_links l join ersou.li_incidents i on i.id = l.incident_id
                where l.entity_id = e.id and (i.force = :force or (true and (i.handling = 'P' or exists (select 1 from ersou.li_case_incidents vci join ersou.li_case_members vcm on vcm.case_id = vci.case_id where vci.incident_id = i.id and vcm.subject = :subject))))) as seen
  from asked a join ersou.li_entities e on e.id = a.id
union all
select 3, 'FORCE_REFERENCE', i.id, 'INCIDENT', '', i.force, (i.force = :force or (true and (i.handling = 'P' or exists (select 1 from ersou.li_case_incidents vci join ersou.li_case_members vcm on vcm.case_id = vci.case_id where vci.incident_id = i.id and vcm.subject = :subject))))
  from ersou.li_incidents i where i.force_reference = 'REF/1234'
union all
select 4, 'ID', i.id, 'INCIDENT', '', i.force, (i.force = :force or (true and (i.handling = 'P' or exists (select 1 from ersou.li_case_incidents vci join ersou.li_case_members vcm on vcm.case_id = vci.case_id where vci.incident_id = i.id and vcm.subject = :subject))))
  from ersou.li_incidents i where i.id = md5('inc1234')::uuid
order by 1, 6, 3;

\echo 'Identifiers: the boiler-room number (on 5,000 incidents), seen in full or not'
explain (analyze, buffers, costs off)
select e.id, exists (select 1 from ersou.li_links l join ersou.li_incidents i on i.id = l.incident_id
                      where l.entity_id = e.id and (i.force = 'NOBODY' or (true and (i.handling = 'X' or exists (select 1 from ersou.li_case_incidents vci join ersou.li_case_members vcm on vcm.case_id = vci.case_id where vci.incident_id = i.id and vcm.subject = :subject)))))
  from ersou.li_entities e where e.kind = 'PHONE' and e.key = '+4477009000000';

\echo 'Pointers of a number only withheld records carry: the boiler room, the first 20 by force and reference'
explain (analyze, buffers, costs off)
select n.entity_id, w.id
  from unnest(array[md5('PHONE|0')::uuid]) with ordinality n(entity_id, at)
 cross join lateral (
       select i.id, i.force, i.force_reference
         from ersou.li_incidents i
        where i.id in (select l.incident_id from ersou.li_links l where l.entity_id = n.entity_id)
        order by i.force, i.force_reference collate "C"
        limit 20) w
 order by n.at, w.force, w.force_reference collate "C";

\echo 'Names: a prefix on one sighting in 10,000 ("1234" of "Courier 1234", "Courier 12340", ...)'
explain (analyze, buffers, costs off)
select distinct c.entity_id, c.kind
  from (select l.entity_id, l.kind
          from ersou.li_links l
          join ersou.li_incidents i on i.id = l.incident_id
         where l.name is not null
           and to_tsvector('simple', l.name) @@ to_tsquery('simple', '1234:*')
           and l.kind in ('COURIER', 'SUSPECT')
           and (i.force = :force or (true and (i.handling = 'P' or exists (select 1 from ersou.li_case_incidents vci join ersou.li_case_members vcm on vcm.case_id = vci.case_id where vci.incident_id = i.id and vcm.subject = :subject))))
         limit 100) c;

\echo 'Names: the worst prefix, on every sighting ("cou" of "Courier"), capped at 100'
explain (analyze, buffers, costs off)
select distinct c.entity_id, c.kind
  from (select l.entity_id, l.kind
          from ersou.li_links l
          join ersou.li_incidents i on i.id = l.incident_id
         where l.name is not null
           and to_tsvector('simple', l.name) @@ to_tsquery('simple', 'cou:*')
           and l.kind in ('COURIER', 'SUSPECT')
           and (i.force = :force or (true and (i.handling = 'P' or exists (select 1 from ersou.li_case_incidents vci join ersou.li_case_members vcm on vcm.case_id = vci.case_id where vci.incident_id = i.id and vcm.subject = :subject))))
         limit 100) c;

\echo 'Names: two words, one common and one rare ("cou 98765")'
explain (analyze, buffers, costs off)
select distinct c.entity_id, c.kind
  from (select l.entity_id, l.kind
          from ersou.li_links l
          join ersou.li_incidents i on i.id = l.incident_id
         where l.name is not null
           and to_tsvector('simple', l.name) @@ to_tsquery('simple', 'cou:* & 98765:*')
           and l.kind in ('COURIER', 'SUSPECT')
           and (i.force = :force or (true and (i.handling = 'P' or exists (select 1 from ersou.li_case_incidents vci join ersou.li_case_members vcm on vcm.case_id = vci.case_id where vci.incident_id = i.id and vcm.subject = :subject))))
         limit 100) c;

\echo 'Ordering the candidates: the people of 100 courier nodes (the candidate cap) (about 20 sightings each), assembled in one statement (EntityQueries.PersonsAsync)'
explain (analyze, buffers, costs off)
with recursive nodes(id) as (
    select unnest(array(select md5('COURIER|' || c)::uuid from generate_series(1000, 1099) c))
    union
    select l2.entity_id
      from nodes n
      join ersou.li_links l1 on l1.entity_id = n.id and l1.kind = 'COURIER'
      join ersou.li_incidents i on i.id = l1.incident_id and (i.force = :force or (true and (i.handling = 'P' or exists (select 1 from ersou.li_case_incidents vci join ersou.li_case_members vcm on vcm.case_id = vci.case_id where vci.incident_id = i.id and vcm.subject = :subject))))
      join ersou.li_links l2 on l2.incident_id = l1.incident_id and l2.kind = l1.kind and l2.ordinal = l1.ordinal
)
select l.incident_id, l.ordinal, l.entity_id, i.force, i.occurred_at, l.name, l.description, l.registration
  from ersou.li_links l
  join ersou.li_incidents i on i.id = l.incident_id
 where l.entity_id in (select id from nodes) and l.kind = 'COURIER' and (i.force = :force or (true and (i.handling = 'P' or exists (select 1 from ersou.li_case_incidents vci join ersou.li_case_members vcm on vcm.case_id = vci.case_id where vci.incident_id = i.id and vcm.subject = :subject))))
 order by i.occurred_at desc, l.incident_id, l.ordinal
 limit 100000;
