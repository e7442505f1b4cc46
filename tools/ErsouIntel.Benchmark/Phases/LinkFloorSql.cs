using System.Globalization;

namespace ErsouIntel.Benchmark.Phases;

/// <summary>
/// The floor under <c>linkedCouriers</c>: the same answer as one hand-written SQL statement per
/// question, over the same read model (docs/link-graph.md), with the same rules:
/// <list type="bullet">
/// <item>hop n: the incidents first reached at distance n (fixed joins per hop, each hop's entities
/// expanded once, as the service's breadth-first walk does);</item>
/// <item>who sees what (src/ErsouIntel.Api/Access/Visibility.cs): own force in full; other forces'
/// P records, and records on a case the investigator is a member of, in full; the rest withheld;</item>
/// <item>a courier the investigator may know is every sighting they see in full joined through
/// shared identity keys (PNC ID, name with date of birth), over the whole graph, not only the walk;
/// its id is the lowest of its key nodes (Links/EntityQueries.cs); a withheld sighting naming such a
/// person by a shared key counts for that person; the remaining withheld sightings are grouped by the
/// keys they share among themselves and come back as withheld couriers;</item>
/// <item>a courier's hop is the nearest of its sightings.</item>
/// </list>
/// It does not copy the service's safety caps (20,000 incidents walked; 1,000 sightings per
/// person): where a walk passes them the answers may differ, and <see cref="DiagnosisSql"/> says so.
/// Parameters: <c>@phone</c> (E.164), <c>@force</c> (tenant id), <c>@subject</c>, <c>@shared</c>.
/// </summary>
internal static class LinkFloorSql
{
    public const int MaxHops = 3;

    /// <summary>Who sees what (src/ErsouIntel.Api/Access/Visibility.cs) over an incident aliased <c>i</c>: the one spelling every floor uses.</summary>
    internal const string SeesInFull =
        "(i.force = @force or (@shared and (i.handling = 'P' or exists (select 1 from ersou.li_case_incidents vci join ersou.li_case_members vcm on vcm.case_id = vci.case_id where vci.incident_id = i.id and vcm.subject = @subject))))";

    /// <summary>Rows (courier id or null when withheld, hops): one per courier within <paramref name="hops"/>.</summary>
    public static string Couriers(int hops) =>
        Walk(hops) +
        $"""
        ,
        walked_seen as materialized (
            select w.id, w.hop, {SeesInFull} as visible
              from walked w join ersou.li_incidents i on i.id = w.id
        ),
        sighting_nodes as materialized (
            select l.incident_id, l.ordinal, s.hop, s.visible, l.entity_id as node
              from walked_seen s join ersou.li_links l on l.incident_id = s.id and l.kind = 'COURIER'
        ),
        closure(seed, node) as (
            select distinct node, node from sighting_nodes where visible
            union
            -- Lateral, fenced by offset 0 so it is not pulled up into a join: each node's sightings by
            -- index. As a join the planner, which cannot estimate a recursive term, hashed the whole
            -- courier link table on every step (822,080 rows, 0.85 s a step at 1M).
            select c.seed, x.node
              from closure c
              cross join lateral (
                  select l2.entity_id as node
                    from ersou.li_links l1
                    join ersou.li_incidents i on i.id = l1.incident_id and {SeesInFull}
                    join ersou.li_links l2 on l2.incident_id = l1.incident_id and l2.kind = 'COURIER' and l2.ordinal = l1.ordinal
                   where l1.entity_id = c.node and l1.kind = 'COURIER'
                  offset 0
              ) x
        ),
        person as materialized (
            select seed, (array_agg(node order by node))[1] as person from closure group by seed
        ),
        person_nodes as materialized (
            select distinct p.person, c.node from closure c join person p on p.seed = c.seed
        ),
        known as (
            select p.person, s.hop from sighting_nodes s join person p on p.seed = s.node where s.visible
            union all
            select pn.person, s.hop from sighting_nodes s join person_nodes pn on pn.node = s.node where not s.visible
        ),
        free as materialized (
            select s.incident_id, s.ordinal, s.hop, s.node
              from sighting_nodes s
             where not s.visible
               and not exists (select 1 from sighting_nodes x join person_nodes pn on pn.node = x.node
                                where x.incident_id = s.incident_id and x.ordinal = s.ordinal)
        ),
        reach(root_incident, root_ordinal, incident_id, ordinal) as (
            select distinct incident_id, ordinal, incident_id, ordinal from free
            union
            select r.root_incident, r.root_ordinal, b.incident_id, b.ordinal
              from reach r
              join free a on a.incident_id = r.incident_id and a.ordinal = r.ordinal
              join free b on b.node = a.node
        ),
        labelled as (
            select root_incident, root_ordinal, min(incident_id::text || '|' || ordinal::text) as label from reach group by root_incident, root_ordinal
        ),
        withheld as (
            select l.label, min(f.hop) as hop
              from labelled l join free f on f.incident_id = l.root_incident and f.ordinal = l.root_ordinal
             group by l.label
        )
        select person::text as courier, min(hop) as hops from known group by person
        union all
        select null, hop from withheld
        """;

    /// <summary>
    /// For a question whose answers differ: whether the service's caps were in play. Rows: incidents
    /// walked, the largest number of link rows one hop's step reads, the most courier link rows of one
    /// person the walk meets.
    /// </summary>
    public static string DiagnosisSql(int hops) =>
        Walk(hops) +
        $"""
        ,
        steps as (
            select {(hops >= 2 ? "(select count(*) from ersou.li_links l join e1 on e1.id = l.entity_id)" : "0::bigint")} as rows
            {(hops >= 3 ? "union all select (select count(*) from ersou.li_links l join e2 on e2.id = l.entity_id)" : "")}
        ),
        nodes as (
            select distinct l.entity_id as node from walked w join ersou.li_links l on l.incident_id = w.id and l.kind = 'COURIER'
        )
        select (select count(*) from walked),
               (select coalesce(max(rows), 0) from steps),
               (select coalesce(max(c), 0) from (select count(*) as c from nodes n join ersou.li_links l on l.entity_id = n.node and l.kind = 'COURIER' group by n.node) x)
        """;

    /// <summary>
    /// The walk, hop by hop: h1 the incidents carrying the number; e(n) the entities on hop n's
    /// incidents not yet expanded; h(n+1) the incidents of those entities not yet reached.
    /// </summary>
    private static string Walk(int hops)
    {
        if (hops is < 1 or > 3)
        {
            throw new ArgumentOutOfRangeException(nameof(hops), hops, "1 to 3 hops.");
        }

        var sql =
            """
            with recursive
            h1 as materialized (
                select distinct l.incident_id as id
                  from ersou.li_entities e join ersou.li_links l on l.entity_id = e.id
                 where e.kind = 'PHONE' and e.key = @phone
            ),
            e1 as materialized (
                select distinct l.entity_id as id from ersou.li_links l join h1 on h1.id = l.incident_id
            )
            """;
        if (hops >= 2)
        {
            sql += """
                ,
                h2 as materialized (
                    select l.incident_id as id from ersou.li_links l join e1 on e1.id = l.entity_id
                    except select id from h1
                ),
                e2 as materialized (
                    select l.entity_id as id from ersou.li_links l join h2 on h2.id = l.incident_id
                    except select id from e1
                )
                """;
        }

        if (hops >= 3)
        {
            sql += """
                ,
                h3 as materialized (
                    select l.incident_id as id from ersou.li_links l join e2 on e2.id = l.entity_id
                    except (select id from h1 union all select id from h2)
                )
                """;
        }

        sql += ",\nwalked(id, hop) as (\n    " +
            string.Join("\n    union all ", Enumerable.Range(1, hops).Select(h => string.Create(CultureInfo.InvariantCulture, $"select id, {h} from h{h}"))) +
            "\n)";
        return sql;
    }
}
