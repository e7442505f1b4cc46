using System.Globalization;

namespace ErsouIntel.Benchmark.Phases;

/// <summary>
/// The exact-answer floor under <c>couriersLinkedTo</c>'s first page: one hand-written statement per
/// question that gives the same page (the same couriers in the same order, with the same hops,
/// lastSeen and pointers), the same <c>totalCount</c>, and whether the walk passed the service's
/// bound, over the same read model with the same rules as <see cref="LinkFloorSql"/> (who sees what,
/// couriers as the investigator may know them, withheld links grouped by shared keys), plus:
/// <list type="bullet">
/// <item>the start: a number or registration is its entity; a courier by id is the person the
/// investigator sees in full through that node (nothing when they see no sighting of it), by PNC ID
/// that key's node and the person it belongs to; from a courier that person is not listed;</item>
/// <item>the walk of <c>Links/LinkedCouriers.cs</c> with its bound: the first hop read up to
/// <c>@cap</c> + 1 incidents, each later step up to <c>@rows</c> (2 x cap) link rows, so a hub
/// costs the floor what it costs the service; <c>past_bound</c> says where the service answers
/// <c>complete: false</c>: such answers are counted, not compared (their walk depends on which rows
/// a cut read met first);</item>
/// <item>a courier's pointers are the incidents on its shortest paths back to the start (its
/// sightings at its hop, then hop by hop the incidents of the hop before carrying an entity first
/// expanded there that the path's incident carries); lastSeen is the newest occurrence among them
/// seen in full, computed hop by hop as a running maximum so no path is listed for it;</item>
/// <item>the order: hops; couriers seen in full by lastSeen descending (none last); then withheld
/// links by their pointers (force, then reference, as bytes); ties by the id served (a withheld
/// link's lowest key node); then the first <c>@first</c>.</item>
/// </list>
/// Rows: one summary row (ord 0: total_count, past_bound), then the page (ord 1..first: courier id or
/// null when withheld, hops, last_seen, pointers as "FORCE/reference/H" joined by ';').
/// Parameters: <c>@start</c> (the start's key as stored: E.164, registration, node id or PNC ID), <c>@force</c>, <c>@subject</c>, <c>@shared</c>, <c>@cap</c>,
/// <c>@rows</c>, <c>@first</c>.
/// </summary>
internal static class CouriersLinkedToFloorSql
{
    /// <summary>The statement for a start of <paramref name="kind"/> at <paramref name="hops"/> (1 to 3).</summary>
    public static string Page(StartKind kind, int hops)
    {
        if (hops is < 1 or > 3)
        {
            throw new ArgumentOutOfRangeException(nameof(hops), hops, "1 to 3 hops.");
        }

        var sql = "with recursive\n" + Start(kind, "start") + ",\n" + Walk(hops) + ",\n" + Couriers(kind) + ",\n" + LastSeen(hops) + ",\n";
        sql += Paths("wp", "withheld_carriers", hops) + ",\n";
        sql += $"""
            withheld_text as (
                select p.gid, string_agg(i.force || chr(1) || i.force_reference || chr(2), '' order by i.force collate "C", i.force_reference collate "C") as ptext
                  from wp_all p join ersou.li_incidents i on i.id = p.incident_id
                 group by p.gid
            ),
            group_best as (
                select c.gid, max(b.best) as best from group_carriers c join best b on b.id = c.incident_id group by c.gid
            ),
            ordered as (
                select g.gid, g.withheld, g.hop, g.courier,
                       case when g.withheld then null else gb.best end as last_seen,
                       coalesce(wt.ptext, '') as ptext, g.tie
                  from groups g
                  left join withheld_text wt on wt.gid = g.gid
                  left join group_best gb on gb.gid = g.gid
            ),
            page as materialized (
                select o.*, row_number() over (order by o.hop, o.withheld, o.last_seen desc nulls last, o.ptext collate "C", o.tie collate "C") as ord
                  from ordered o
                 order by o.hop, o.withheld, o.last_seen desc nulls last, o.ptext collate "C", o.tie collate "C"
                 limit @first
            ),
            page_carriers as (
                select c.gid, c.incident_id, c.hop from group_carriers c join page p on p.gid = c.gid
            ),
            """ + "\n";
        sql += Paths("pp", "page_carriers", hops) + ",\n";
        sql += $"""
            page_pointers as (
                select p.gid, string_agg(i.force || '/' || i.force_reference || '/' || i.handling, ';' order by i.force collate "C", i.force_reference collate "C") as pointers
                  from pp_all p join ersou.li_incidents i on i.id = p.incident_id
                 group by p.gid
            )
            select 0::bigint as ord, null::text as courier, 0 as hops, null::timestamptz as last_seen, null::text as pointers,
                   (select count(*) from groups) as total_count, (select past from bound) as past_bound
            union all
            select p.ord, p.courier, p.hop, p.last_seen, pp.pointers, null, null
              from page p left join page_pointers pp on pp.gid = p.gid
            order by 1
            """;
        return sql;
    }

    /// <summary>
    /// The entity nodes of a start whose key is the parameter <c>@{name}</c>, as <c>LinkStarts.ResolveAsync</c>
    /// finds them, as the CTE <c>{name}_nodes(node)</c> (under <c>with recursive</c>).
    /// </summary>
    public static string Start(StartKind kind, string name) => kind switch
    {
        StartKind.Phone => $"{name}_nodes(node) as materialized (select id from ersou.li_entities where kind = 'PHONE' and key = @{name})",
        StartKind.Vehicle => $"{name}_nodes(node) as materialized (select id from ersou.li_entities where kind = 'VEHICLE' and key = @{name})",
        // A served id: the person seen in full through that node, or nothing when no visible sighting carries it.
        StartKind.CourierId => Closure(name, $"""
            select k.id from (select @{name}::uuid as id) k
             where exists (select 1 from ersou.li_links l join ersou.li_incidents i on i.id = l.incident_id
                            where l.entity_id = k.id and l.kind = 'COURIER' and
            """ + LinkFloorSql.SeesInFull + ")"),
        // A PNC ID: its key node, and the person it belongs to where some sighting seen in full carries it.
        StartKind.CourierPnc => Closure(name, $"select entity_id from ersou.li_entity_keys where kind = 'COURIER' and key = 'pnc:' || @{name}"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static string Closure(string name, string seed) =>
        $"""
        {name}_closure(node) as (
            {seed}
            union
            -- Lateral, fenced by offset 0, as in LinkFloorSql: each node's sightings by index, not the
            -- courier link table hashed on every step of a recursion the planner cannot size.
            select x.node
              from {name}_closure c
              cross join lateral (
                  select l2.entity_id as node
                    from ersou.li_links l1
                    join ersou.li_incidents i on i.id = l1.incident_id and {LinkFloorSql.SeesInFull}
                    join ersou.li_links l2 on l2.incident_id = l1.incident_id and l2.kind = 'COURIER' and l2.ordinal = l1.ordinal
                   where l1.entity_id = c.node and l1.kind = 'COURIER'
                  offset 0
              ) x
        ),
        {name}_nodes(node) as materialized (select node from {name}_closure)
        """;

    /// <summary>
    /// h(n): the incidents first reached at hop n; f(n): the entities first expanded at hop n (on h(n),
    /// not a start node, not expanded before); s(n): the link rows of f(n), read up to the service's row bound.
    /// </summary>
    private static string Walk(int hops)
    {
        var sql =
            """
            h1 as materialized (
                select distinct l.incident_id as id from ersou.li_links l where l.entity_id in (select node from start_nodes) limit @cap + 1
            )
            """;
        for (var n = 1; n < hops; n++)
        {
            var before = string.Join(" union all ", Enumerable.Range(1, n).Select(k => Inv($"select id from h{k}")));
            var expanded = n == 1 ? "select node from start_nodes" : string.Join(" union all ", Enumerable.Range(1, n - 1).Select(k => Inv($"select id from f{k}")).Append("select node from start_nodes"));
            sql += Inv($"""
                ,
                f{n} as materialized (
                    select distinct l.entity_id as id from ersou.li_links l join h{n} on h{n}.id = l.incident_id
                    except ({expanded})
                ),
                s{n} as materialized (
                    select l.incident_id, l.entity_id from ersou.li_links l join f{n} on f{n}.id = l.entity_id limit @rows
                ),
                h{n + 1} as materialized (
                    select distinct incident_id as id from s{n}
                    except ({before})
                )
                """);
        }

        sql += ",\nwalked(id, hop) as materialized (\n    " +
            string.Join("\n    union all ", Enumerable.Range(1, hops).Select(h => Inv($"select id, {h} from h{h}"))) +
            "\n)";

        // Where the service stops and says complete: false (Links/LinkedCouriers.cs): the first hop past the cap; before
        // each later step, the incidents visited reaching the cap; during a step, one more incident past it, or a read cut at the row bound.
        var conditions = new List<string> { "(select count(*) from h1) > @cap" };
        for (var n = 1; n < hops; n++)
        {
            var upTo = string.Join(" + ", Enumerable.Range(1, n).Select(k => Inv($"(select count(*) from h{k})")));
            conditions.Add($"{upTo} >= @cap");
            conditions.Add(Inv($"(select count(*) from s{n}) >= @rows"));
        }

        if (hops > 1)
        {
            conditions.Add("(select count(*) from walked) > @cap");
        }

        sql += ",\nbound as (select " + string.Join("\n    or ", conditions) + " as past)";
        return sql;
    }

    /// <summary>The couriers met: people seen in full (as <see cref="LinkFloorSql"/>), then withheld links; their hop and carriers (their sightings' incidents at that hop).</summary>
    private static string Couriers(StartKind kind) =>
        $"""
        seen as materialized (
            select w.id, w.hop, {LinkFloorSql.SeesInFull} as visible, i.occurred_at
              from walked w join ersou.li_incidents i on i.id = w.id
        ),
        sighting_nodes as materialized (
            select l.incident_id, l.ordinal, s.hop, s.visible, l.entity_id as node
              from seen s join ersou.li_links l on l.incident_id = s.id and l.kind = 'COURIER'
        ),
        closure(seed, node) as (
            select distinct node, node from sighting_nodes where visible
            union
            select c.seed, x.node
              from closure c
              cross join lateral (
                  select l2.entity_id as node
                    from ersou.li_links l1
                    join ersou.li_incidents i on i.id = l1.incident_id and {LinkFloorSql.SeesInFull}
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
        known as materialized (
            select p.person, s.incident_id, s.hop from sighting_nodes s join person p on p.seed = s.node where s.visible
            union
            select pn.person, s.incident_id, s.hop from sighting_nodes s join person_nodes pn on pn.node = s.node where not s.visible
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
        labelled as materialized (
            select root_incident, root_ordinal, min(incident_id::text || '|' || ordinal::text) as label from reach group by root_incident, root_ordinal
        ),
        withheld_members as materialized (
            select 'w' || l.label as gid, f.incident_id, f.hop, f.node
              from labelled l join free f on f.incident_id = l.root_incident and f.ordinal = l.root_ordinal
        ),
        all_groups as materialized (
            select 'k' || person::text as gid, false as withheld, min(hop) as hop, person::text as courier, person::text as tie from known group by person
            union all
            select gid, true, min(hop), null, min(node::text collate "C") from withheld_members group by gid
        ),
        groups as materialized (
            select g.* from all_groups g
            {(kind is StartKind.CourierId or StartKind.CourierPnc
                ? """
                 where not exists (select 1 from person_nodes pn join start_nodes s on s.node = pn.node where 'k' || pn.person::text = g.gid)
                   and not exists (select 1 from withheld_members m join start_nodes s on s.node = m.node where m.gid = g.gid)
                """
                : "")}
        ),
        group_carriers as materialized (
            select distinct c.gid, c.incident_id, c.hop
              from (select 'k' || person::text as gid, incident_id, hop from known
                    union all select gid, incident_id, hop from withheld_members) c
              join groups g on g.gid = c.gid and g.hop = c.hop
        ),
        withheld_carriers as (
            select c.gid, c.incident_id, c.hop from group_carriers c join groups g on g.gid = c.gid where g.withheld
        )
        """;

    /// <summary>best(incident): the newest occurrence seen in full on it or on any shortest path from it back to the start.</summary>
    private static string LastSeen(int hops)
    {
        var sql = "b1 as materialized (select id, case when visible then occurred_at end as best from seen where hop = 1)";
        for (var n = 2; n <= hops; n++)
        {
            sql += Inv($"""
                ,
                x{n - 1} as materialized (
                    select l.entity_id as id, max(b.best) as best
                      from b{n - 1} b join ersou.li_links l on l.incident_id = b.id join f{n - 1} f on f.id = l.entity_id
                     group by l.entity_id
                ),
                b{n} as materialized (
                    select s.id, greatest(max(case when s.visible then s.occurred_at end), max(x.best)) as best
                      from seen s join ersou.li_links l on l.incident_id = s.id join x{n - 1} x on x.id = l.entity_id
                     where s.hop = {n}
                     group by s.id
                )
                """);
        }

        return sql + ",\nbest as (" + string.Join(" union all ", Enumerable.Range(1, hops).Select(n => Inv($"select id, best from b{n}"))) + ")";
    }

    /// <summary>
    /// The incidents on the shortest paths of some groups (<paramref name="carriers"/>: gid, incident_id, hop),
    /// as <c>{prefix}_all(gid, incident_id)</c>: from hop n to hop n-1 through the entities first expanded at n-1.
    /// </summary>
    private static string Paths(string prefix, string carriers, int hops)
    {
        var parts = new List<string>();
        for (var n = hops; n >= 1; n--)
        {
            var fromCarriers = Inv($"select gid, incident_id from {carriers} where hop = {n}");
            var back = n == hops
                ? ""
                : Inv($"""

                    union
                    select p.gid, x.incident_id
                      from {prefix}{n + 1} p
                      join ersou.li_links l1 on l1.incident_id = p.incident_id
                      join f{n} f on f.id = l1.entity_id
                      -- each entity's incidents by index (a hub's read once per path through it, not the link table hashed)
                      cross join lateral (select l2.incident_id from ersou.li_links l2 where l2.entity_id = l1.entity_id offset 0) x
                      join h{n} h on h.id = x.incident_id
                    """);
            parts.Add(Inv($"{prefix}{n} as materialized (\n    {fromCarriers}{back}\n)"));
        }

        parts.Add($"{prefix}_all as (" + string.Join(" union all ", Enumerable.Range(1, hops).Select(n => Inv($"select gid, incident_id from {prefix}{n}"))) + ")");
        return string.Join(",\n", parts);
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What a random start is, for the floor's resolution of it.</summary>
internal enum StartKind
{
    Phone,
    Vehicle,
    CourierId,
    CourierPnc,
}
