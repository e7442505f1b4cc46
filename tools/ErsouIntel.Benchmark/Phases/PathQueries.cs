using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using static ErsouIntel.Benchmark.Invariant;

namespace ErsouIntel.Benchmark.Phases;

/// <summary>A path question: from a start to a courier its first page named 2 or 3 hops away (by the id served).</summary>
internal sealed record PathPair(BenchStart From, string CourierId, int Hops);

/// <summary>
/// <c>paths(from, to, maxHops: 6)</c> between linked pairs taken from the couriersLinkedTo walks (a start
/// and a courier 2 to 3 hops from it), through the API; its floor is timing-only (<see cref="FloorSql"/>).
/// </summary>
internal static class PathQueries
{
    public const int MaxHops = 6;
    private const int WalkCap = 20_000;

    /// <summary>For each start, the farthest courier its first page named at 2 or more hops (pages are nearest first).</summary>
    public static List<PathPair> Pairs(IReadOnlyList<BenchStart> starts, IReadOnlyList<PageAnswer> pages, int count) =>
        starts.Zip(pages)
            .Select(x => x.Second.Couriers.Where(c => c.Hops >= 2).Select(c => new PathPair(x.First, c.Courier, c.Hops)).LastOrDefault())
            .OfType<PathPair>()
            .Take(count)
            .ToList();

    public static async Task<TimedFigures> RunAsync(GraphQLClient api, Tokens tokens, BenchDatabase db, IReadOnlyList<PathPair> pairs, ProgressContext progress, CancellationToken cancellation)
    {
        var token = await tokens.InvestigatorTokenAsync(LinkQueries.Investigator, cancellation);
        var (subject, force) = await LinkQueries.MeAsync(api, token, cancellation);
        var (figures, _) = await TimedQuestions.RunAsync(
            Inv($"paths, up to {MaxHops} hops"),
            pairs,
            pair => TimedQuestions.AskAsync(api, tokens, Operations.Paths, "Paths",
                new { from = pair.From.EntityRef, to = new { kind = "COURIER", key = pair.CourierId }, hops = MaxHops, purpose = LinkQueries.Purpose, why = LinkQueries.Why }, "paths", cancellation),
            async (floor, pair) => await FloorConnection.TimedAsync(
                await floor.CommandAsync(FloorSql(pair.From.Kind), [("origin", pair.From.Key), ("target", pair.CourierId), ("force", force), ("subject", subject), ("shared", true), ("rows", 2 * WalkCap)], cancellation),
                _ => { }, cancellation),
            answers => Describe(pairs, answers),
            db,
            progress,
            cancellation);
        return figures;
    }

    private static string Describe(IReadOnlyList<PathPair> pairs, IReadOnlyList<JsonElement?> answers)
    {
        var found = answers.OfType<JsonElement>().Where(a => a.GetArrayLength() > 0).ToList();
        var lengths = found.Select(a => a[0].GetProperty("hops").GetInt32()).GroupBy(h => h).OrderBy(g => g.Key)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Count()} of {g.Key} hops"));
        var asked = pairs.GroupBy(p => p.Hops).OrderBy(g => g.Key).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Count()} at {g.Key}"));
        return Inv($"pairs (courier's hops from the start): {string.Join(", ", asked)}; answered with paths: {found.Count} ({string.Join(", ", lengths)})");
    }

    /// <summary>
    /// Timing-only: a breadth-first search from both ends in one statement, widening the two sides in
    /// turn (incidents of the side's entities, each read up to the service's row bound) and stopping at
    /// the first layer where they meet, to 6 incidents. One row: the length and the meeting incidents.
    /// It neither enumerates the paths nor applies the rule of what a path may show.
    /// </summary>
    public static string FloorSql(StartKind from)
    {
        var sql =
            $"""
            with recursive
            {CouriersLinkedToFloorSql.Start(from, "origin")},
            {CouriersLinkedToFloorSql.Start(StartKind.CourierId, "target")},
            a1 as materialized (select distinct l.incident_id as id from ersou.li_links l where l.entity_id in (select node from origin_nodes) limit @rows),
            b1 as materialized (select distinct l.incident_id as id from ersou.li_links l where l.entity_id in (select node from target_nodes) limit @rows),
            m1 as materialized (select 1 as len, id from a1 join b1 using (id))
            """;
        var (a, b) = (1, 1);
        var met = new List<string> { "m1" };
        for (var len = 2; len <= MaxHops; len++)
        {
            var widenA = len % 2 == 0;
            var side = widenA ? "a" : "b";
            var layer = widenA ? ++a : ++b;
            var guard = string.Join(" and ", met.Select(m => $"not exists (select 1 from {m})"));
            sql += Inv($"""
                ,
                {side}{layer} as materialized (
                    select distinct l2.incident_id as id
                      from (select distinct l.entity_id from ersou.li_links l join {side}{layer - 1} p on p.id = l.incident_id) e
                      join ersou.li_links l2 on l2.entity_id = e.entity_id
                     where {guard}
                     limit @rows
                ),
                m{len} as materialized (select {len} as len, id from a{a} join b{b} using (id))
                """);
            met.Add(Inv($"m{len}"));
        }

        return sql + "\nselect min(len), count(*) from (" + string.Join(" union all ", met.Select(m => $"select len, id from {m}")) + ") m";
    }
}
