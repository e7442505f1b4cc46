using System.Text.Json;
using Spectre.Console;
using static ErsouIntel.Benchmark.Invariant;

namespace ErsouIntel.Benchmark.Phases;

/// <summary>
/// <c>network(around: [start], maxHops, maxNodes: 200)</c> at 1 and 2 hops for the random starts, through
/// the API; its floor is timing-only (<see cref="FloorSql"/>): the chart's core statement, not its answer.
/// </summary>
internal static class NetworkQueries
{
    public const int MaxNodes = 200;
    private const int WalkCap = 20_000;

    private const string SeesInFull =
        "(i.force = @force or (@shared and (i.handling = 'P' or exists (select 1 from ersou.li_case_incidents vci join ersou.li_case_members vcm on vcm.case_id = vci.case_id where vci.incident_id = i.id and vcm.subject = @subject))))";

    public static async Task<List<TimedFigures>> RunAsync(GraphQLClient api, Tokens tokens, BenchDatabase db, IReadOnlyList<BenchStart> starts, ProgressContext progress, CancellationToken cancellation)
    {
        var token = await tokens.InvestigatorTokenAsync(LinkQueries.Investigator, cancellation);
        var (subject, force) = await LinkQueries.MeAsync(api, token, cancellation);
        var figures = new List<TimedFigures>();
        for (var hops = 1; hops <= 2; hops++)
        {
            var h = hops;
            var (result, _) = await TimedQuestions.RunAsync(
                Inv($"network, {MaxNodes} nodes, {h} hop{(h == 1 ? "" : "s")}"),
                starts,
                start => TimedQuestions.AskAsync(api, tokens, Operations.LinkChart, "LinkChart",
                    new { around = new[] { start.EntityRef }, hops = h, maxNodes = MaxNodes, purpose = LinkQueries.Purpose, why = LinkQueries.Why }, "network", cancellation),
                async (floor, start) => await FloorConnection.TimedAsync(
                    await floor.CommandAsync(FloorSql(start.Kind, h), [("start", start.Key), ("force", force), ("subject", subject), ("shared", true), ("max", MaxNodes), ("rows", 2 * WalkCap)], cancellation),
                    _ => { }, cancellation),
                Describe,
                db,
                progress,
                cancellation);
            figures.Add(result);
        }

        return figures;
    }

    private static string Describe(IReadOnlyList<JsonElement?> answers)
    {
        var charts = answers.OfType<JsonElement>().ToList();
        if (charts.Count == 0)
        {
            return "no answers";
        }

        var nodes = charts.Select(c => c.GetProperty("nodes").GetArrayLength()).ToList();
        var truncated = charts.Count(c => c.GetProperty("truncated").GetBoolean());
        return Inv($"nodes per chart: mean {nodes.Average():F1}, max {nodes.Max()}; truncated {truncated} of {charts.Count}");
    }

    /// <summary>
    /// Timing-only: the start's nodes, then per distance the incidents (newest first, with whether the
    /// investigator sees them in full) and the entities on those seen in full (by degree, counted from
    /// the entity index), each layer cut at maxNodes and skipped once the layers before fill the chart,
    /// each step's link rows read up to the service's row bound. The count of nodes is the one row. It
    /// does not assemble people, pointers or edges.
    /// </summary>
    public static string FloorSql(StartKind kind, int hops)
    {
        var sql =
            $"""
            with recursive
            {CouriersLinkedToFloorSql.Start(kind, "start")},
            i1 as materialized (
                select i.id, {SeesInFull} as visible
                  from ersou.li_incidents i
                 where i.id in (select l.incident_id from ersou.li_links l where l.entity_id in (select node from start_nodes) limit @rows)
                 order by i.occurred_at desc, i.id
                 limit @max
            ),
            e1 as materialized (
                select d.id, (select count(*) from ersou.li_links c where c.entity_id = d.id) as degree
                  from (select distinct l.entity_id as id from ersou.li_links l join i1 on i1.id = l.incident_id and i1.visible
                         where l.entity_id not in (select node from start_nodes)) d
                 where (select count(*) from start_nodes) + (select count(*) from i1) < @max
                 order by degree desc, d.id
                 limit @max
            )
            """;
        var layers = "select node from start_nodes union all select id from i1 union all select id from e1";
        if (hops >= 2)
        {
            sql += $"""
                ,
                i2 as materialized (
                    select i.id, {SeesInFull} as visible
                      from ersou.li_incidents i
                     where i.id in (select l.incident_id from ersou.li_links l join e1 on e1.id = l.entity_id limit @rows)
                       and i.id not in (select id from i1)
                       and (select count(*) from start_nodes) + (select count(*) from i1) + (select count(*) from e1) < @max
                     order by i.occurred_at desc, i.id
                     limit @max
                ),
                e2 as materialized (
                    select d.id, (select count(*) from ersou.li_links c where c.entity_id = d.id) as degree
                      from (select distinct l.entity_id as id from ersou.li_links l join i2 on i2.id = l.incident_id and i2.visible
                             where l.entity_id not in (select node from start_nodes) and l.entity_id not in (select id from e1)) d
                     where (select count(*) from start_nodes) + (select count(*) from i1) + (select count(*) from e1) + (select count(*) from i2) < @max
                     order by degree desc, d.id
                     limit @max
                )
                """;
            layers += " union all select id from i2 union all select id from e2";
        }

        return sql + $"\nselect count(*) from (select * from ({layers}) n limit @max) n";
    }
}
