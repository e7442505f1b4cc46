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
    /// Timing-only: the start's nodes, then per distance the incidents newest first (each entity's read
    /// from the index on li_links (entity_id, occurred_at), at most maxNodes each, with whether the
    /// investigator sees them in full) and the entities on those seen in full by degree (counted from
    /// the entity index), each layer cut at maxNodes and skipped once the layers before fill the chart.
    /// The count of nodes is the one row. It does not assemble people, pointers or edges.
    /// </summary>
    public static string FloorSql(StartKind kind, int hops)
    {
        static string Incidents(string n, string entities, string before, string full) =>
            $"""
            i{n} as materialized (
                select x.id, x.visible
                  from (select distinct id from {entities}) s
                  cross join lateral (
                      select l.incident_id as id, l.occurred_at, {LinkFloorSql.SeesInFull} as visible
                        from ersou.li_links l join ersou.li_incidents i on i.id = l.incident_id
                       where l.entity_id = s.id{before}
                       order by l.occurred_at desc, l.incident_id desc
                       limit @max) x
                 where {full} < @max
                 order by x.occurred_at desc, x.id desc
                 limit @max
            )
            """;

        static string Entities(string n, string incidents, string except, string full) =>
            $"""
            e{n} as materialized (
                select d.id, (select count(*) from ersou.li_links c where c.entity_id = d.id) as degree
                  from (select distinct l.entity_id as id from ersou.li_links l join {incidents} on {incidents}.id = l.incident_id and {incidents}.visible
                         where {except}) d
                 where {full} < @max
                 order by degree desc, d.id
                 limit @max
            )
            """;

        const string Starts = "(select count(*) from start_nodes)";
        var sql = "with recursive\n" + CouriersLinkedToFloorSql.Start(kind, "start") + ",\n"
            + Incidents("1", "(select node as id from start_nodes) s0", "", Starts) + ",\n"
            + Entities("1", "i1", "l.entity_id not in (select node from start_nodes)", Starts + " + (select count(*) from i1)");
        var layers = "select node from start_nodes union all select id from i1 union all select id from e1";
        if (hops >= 2)
        {
            var upToE1 = Starts + " + (select count(*) from i1) + (select count(*) from e1)";
            sql += ",\n" + Incidents("2", "e1", " and l.incident_id not in (select id from i1)", upToE1) + ",\n"
                + Entities("2", "i2", "l.entity_id not in (select node from start_nodes) and l.entity_id not in (select id from e1)", upToE1 + " + (select count(*) from i2)");
            layers += " union all select id from i2 union all select id from e2";
        }

        return sql + $"\nselect count(*) from (select * from ({layers}) n limit @max) n";
    }
}
