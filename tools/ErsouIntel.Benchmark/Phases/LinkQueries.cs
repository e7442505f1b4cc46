using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using Spectre.Console;
using static ErsouIntel.Benchmark.Invariant;

namespace ErsouIntel.Benchmark.Phases;

/// <summary>Latencies at one hop count: through the API and from the SQL floor, and whether they agree.</summary>
internal sealed record HopFigures(int Hops, Percentiles Api, Percentiles Sql, double P95Ratio, double MeanCouriers, int Agree, int Differ, int DifferPastCaps, int ApiTimeouts, int SqlTimeouts);

internal sealed record LinkQueryResult(int Numbers, int PhoneEntities, string Investigator, IReadOnlyList<HopFigures> Hops, IReadOnlyList<string> Mismatches);

/// <summary>
/// <c>linkedCouriers</c> at 1, 2 and 3 hops for random stored numbers, one request at a time, as an
/// investigator signed in through the login page (so the access log is written for every answer);
/// then the same questions as one hand-written SQL statement each (<see cref="LinkFloorSql"/>), the
/// floor. Every answer is compared, courier by courier: a difference is a finding to report.
/// </summary>
internal static class LinkQueries
{
    public const string Investigator = "hertfordshire.investigator";
    public const string Purpose = "INVESTIGATION";
    public const string Why = "Benchmark: courier-fraud link analysis across the region.";
    private const int WarmUp = 10;

    // The floor's bound per question, the service's own execution timeout (GraphQL:ExecutionTimeout): past it a
    // question's floor time counts as this and its answer is not compared. Without it one 1M run's 2-hop floor took hours.
    private const int FloorTimeoutSeconds = 30;

    // The service's caps (Links/LinkedCouriers.cs, Links/EntityQueries.cs): past them its answer is bounded, the floor's is not.
    private const int WalkCap = 20_000;
    private const int PersonCap = 1_000;

    public static async Task<LinkQueryResult> RunAsync(GraphQLClient api, Tokens tokens, BenchDatabase db, int queries, IReadOnlyList<int> hopList, int seed, ProgressContext progress, CancellationToken cancellation)
    {
        var (numbers, phoneEntities) = await PickNumbersAsync(db, queries, seed, cancellation);
        var token = await tokens.InvestigatorTokenAsync(Investigator, cancellation);
        var (subject, force) = await MeAsync(api, token, cancellation);

        // Not measured: the first questions pay for JIT, connection pools and plan caches, which a running service has already paid.
        foreach (var number in numbers.Take(WarmUp))
        {
            foreach (var hops in hopList)
            {
                await AskApiAsync(api, tokens, number, hops, cancellation);
            }
        }

        var apiTask = progress.AddTask($"linkedCouriers through the API: {numbers.Count:N0} numbers at {string.Join(", ", hopList)} hops", maxValue: numbers.Count * hopList.Count);
        var apiAnswers = new (double Ms, List<string>? Couriers)[LinkFloorSql.MaxHops, numbers.Count];
        for (var i = 0; i < numbers.Count; i++)
        {
            foreach (var hops in hopList)
            {
                apiAnswers[hops - 1, i] = await AskApiAsync(api, tokens, numbers[i], hops, cancellation);
                apiTask.Increment(1);
            }
        }

        apiTask.StopTask();

        var sqlTask = progress.AddTask($"the same questions as SQL (the floor)", maxValue: numbers.Count * hopList.Count);
        var sqlAnswers = new (double Ms, List<string>? Couriers)[LinkFloorSql.MaxHops, numbers.Count];
        await using (var connection = await db.DataSource.OpenConnectionAsync(cancellation))
        {
            // jit off as in the service's own link-graph functions: these statements' estimated costs (millions, for a
            // recursive term the planner cannot size) made PostgreSQL JIT-compile each one, 2.7 s of a 2.9 s question at 1M.
            await using (var bound = new NpgsqlCommand(Inv($"set statement_timeout = '{FloorTimeoutSeconds}s'; set jit = off"), connection))
            {
                await bound.ExecuteNonQueryAsync(cancellation);
            }

            var commands = Enumerable.Range(1, LinkFloorSql.MaxHops).Select(h => FloorCommand(connection, LinkFloorSql.Couriers(h), force, subject)).ToArray();
            foreach (var command in commands)
            {
                await command.PrepareAsync(cancellation);
            }

            foreach (var number in numbers.Take(WarmUp))
            {
                foreach (var hops in hopList)
                {
                    await AskSqlAsync(commands[hops - 1], number, cancellation);
                }
            }

            for (var i = 0; i < numbers.Count; i++)
            {
                foreach (var hops in hopList)
                {
                    sqlAnswers[hops - 1, i] = await AskSqlAsync(commands[hops - 1], numbers[i], cancellation);
                    sqlTask.Increment(1);
                }
            }

            foreach (var command in commands)
            {
                await command.DisposeAsync();
            }
        }

        sqlTask.StopTask();

        var mismatches = new List<string>();
        var figures = new List<HopFigures>();
        foreach (var hops in hopList)
        {
            var (agree, differ, pastCaps, timeouts, sqlTimeouts) = (0, 0, 0, 0, 0);
            for (var i = 0; i < numbers.Count; i++)
            {
                var fromSql = sqlAnswers[hops - 1, i].Couriers;
                sqlTimeouts += fromSql is null ? 1 : 0;
                if (apiAnswers[hops - 1, i].Couriers is not { } fromApi)
                {
                    timeouts++;
                    continue;
                }

                if (fromSql is null)
                {
                    continue;
                }

                if (fromApi.SequenceEqual(fromSql, StringComparer.Ordinal))
                {
                    agree++;
                    continue;
                }

                differ++;
                var caps = await CapsAsync(db, numbers[i], hops, force, subject, cancellation);
                if (caps is not null)
                {
                    pastCaps++;
                }

                if (mismatches.Count < 20)
                {
                    mismatches.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{numbers[i]} at {hops} hop(s): API {fromApi.Count} couriers, SQL {fromSql.Count}; only in API [{string.Join(", ", fromApi.Except(fromSql).Take(3))}], only in SQL [{string.Join(", ", fromSql.Except(fromApi).Take(3))}]{(caps is null ? "" : "; " + caps)}"));
                }
            }

            var apiMs = Percentiles.Of(Enumerable.Range(0, numbers.Count).Select(i => apiAnswers[hops - 1, i].Ms).ToArray());
            var sqlMs = Percentiles.Of(Enumerable.Range(0, numbers.Count).Select(i => sqlAnswers[hops - 1, i].Ms).ToArray());
            var meanCouriers = Enumerable.Range(0, numbers.Count).Select(i => sqlAnswers[hops - 1, i].Couriers).OfType<List<string>>().Select(c => c.Count).DefaultIfEmpty(0).Average();
            figures.Add(new HopFigures(hops, apiMs, sqlMs, apiMs.P95 / Math.Max(sqlMs.P95, 1e-6), meanCouriers, agree, differ, pastCaps, timeouts, sqlTimeouts));
        }

        return new LinkQueryResult(numbers.Count, phoneEntities, Investigator, figures, mismatches);
    }

    /// <summary>Distinct stored phone numbers, drawn at random with the run's seed (the same database and seed give the same numbers).</summary>
    private static async Task<(List<string> Numbers, int Stored)> PickNumbersAsync(BenchDatabase db, int queries, int seed, CancellationToken cancellation)
    {
        var all = new List<string>();
        await using (var command = db.DataSource.CreateCommand("select key from ersou.li_entities where kind = 'PHONE' order by key"))
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                all.Add(reader.GetString(0));
            }
        }

        if (all.Count == 0)
        {
            throw new BenchFailure("No phone numbers are stored: nothing to ask linkedCouriers about.");
        }

        // A partial Fisher-Yates shuffle: the first `take` entries become a uniform sample without repeats.
        var random = new Random(seed);
        var take = Math.Min(queries, all.Count);
        for (var i = 0; i < take; i++)
        {
            var j = random.Next(i, all.Count);
            (all[i], all[j]) = (all[j], all[i]);
        }

        return (all.GetRange(0, take), all.Count);
    }

    public static async Task<(string Subject, string Force)> MeAsync(GraphQLClient api, string token, CancellationToken cancellation)
    {
        using var answer = await api.PostAsync(token, "query Me { me { subject force } }", "Me", new { }, cancellation);
        if (answer.Errors is { } errors || answer.Data.ValueKind != JsonValueKind.Object)
        {
            throw new BenchFailure($"me answered {answer.Status}: {answer.Errors}");
        }

        var me = answer.Data.GetProperty("me");
        return (me.GetProperty("subject").GetString()!, me.GetProperty("force").GetString()!);
    }

    /// <summary>
    /// One question through the API. The answer as sorted "courier-id@hops" (or "withheld@hops")
    /// entries; null when the service gave up on it at its execution timeout (a finding, counted,
    /// not a reason to stop the run).
    /// </summary>
    public static async Task<(double Ms, List<string>? Couriers)> AskApiAsync(GraphQLClient api, Tokens tokens, string number, int hops, CancellationToken cancellation)
    {
        var token = await tokens.InvestigatorTokenAsync(Investigator, cancellation);
        using var answer = await api.PostAsync(token, Operations.LinkedCouriers, "LinkedCouriers", new { phone = number, hops, purpose = Purpose, why = Why }, cancellation);
        if (IsTimeout(answer))
        {
            return (answer.Milliseconds, null);
        }

        if (answer.Status != 200 || answer.Errors is not null || answer.Data.ValueKind != JsonValueKind.Object)
        {
            throw new BenchFailure($"linkedCouriers({number}, {hops}) answered {answer.Status}: {answer.Errors ?? GraphQLClient.Trim(answer.Body.RootElement.GetRawText())}");
        }

        var couriers = new List<string>();
        foreach (var link in answer.Data.GetProperty("access").GetProperty("linkedCouriers").EnumerateArray())
        {
            var withheld = link.GetProperty("withheld").GetBoolean();
            var id = !withheld && link.GetProperty("courier") is { ValueKind: JsonValueKind.Object } courier ? courier.GetProperty("id").GetString() : null;
            couriers.Add(Entry(id, link.GetProperty("hops").GetInt32()));
        }

        couriers.Sort(StringComparer.Ordinal);
        return (answer.Milliseconds, couriers);
    }

    /// <summary>The service gave up at its execution timeout: it answers 503 with Retry-After (GraphQLHttpEndpoint), or TIMEOUT.</summary>
    public static bool IsTimeout(GraphQLAnswer answer) => answer.Status == 503 || HasCode(answer, "TIMEOUT");

    /// <summary>Every error of the answer carries this code (and there is at least one).</summary>
    public static bool HasCode(GraphQLAnswer answer, string expected) =>
        answer.Body.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0
        && errors.EnumerateArray().All(e => e.TryGetProperty("extensions", out var x) && x.ValueKind == JsonValueKind.Object
            && x.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String && code.GetString() == expected);

    private static NpgsqlCommand FloorCommand(NpgsqlConnection connection, string sql, string force, string subject)
    {
        // The server's statement_timeout bounds each question; this only stops a hang on the client's side.
        var command = new NpgsqlCommand(sql, connection) { CommandTimeout = FloorTimeoutSeconds + 30 };
        command.Parameters.Add(new NpgsqlParameter<string>("phone", ""));
        command.Parameters.Add(new NpgsqlParameter<string>("force", force));
        command.Parameters.Add(new NpgsqlParameter<string>("subject", subject));
        command.Parameters.Add(new NpgsqlParameter<bool>("shared", true));
        return command;
    }

    /// <summary>One question as SQL; null couriers when it passed the floor's timeout.</summary>
    private static async Task<(double Ms, List<string>? Couriers)> AskSqlAsync(NpgsqlCommand command, string number, CancellationToken cancellation)
    {
        command.Parameters["phone"].Value = number;
        var couriers = new List<string>();
        var clock = Stopwatch.StartNew();
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                couriers.Add(Entry(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt32(1)));
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.QueryCanceled)
        {
            return (clock.Elapsed.TotalMilliseconds, null);
        }

        var ms = clock.Elapsed.TotalMilliseconds;
        couriers.Sort(StringComparer.Ordinal);
        return (ms, couriers);
    }

    private static string Entry(string? courierId, int hops) =>
        string.Create(CultureInfo.InvariantCulture, $"{courierId ?? "withheld"}@{hops}");

    /// <summary>Why an answer may differ: the service's caps, when this walk passes them; null when it does not.</summary>
    private static async Task<string?> CapsAsync(BenchDatabase db, string number, int hops, string force, string subject, CancellationToken cancellation)
    {
        await using var command = db.DataSource.CreateCommand(LinkFloorSql.DiagnosisSql(hops));
        command.Parameters.AddWithValue("phone", number);
        command.Parameters.AddWithValue("force", force);
        command.Parameters.AddWithValue("subject", subject);
        command.Parameters.AddWithValue("shared", true);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        await reader.ReadAsync(cancellation);
        var (walked, stepRows, personRows) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        var notes = new List<string>();
        if (walked >= WalkCap || stepRows >= WalkCap)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"walk past the service's cap ({walked:N0} incidents, {stepRows:N0} step rows; cap {WalkCap:N0})"));
        }

        if (personRows > PersonCap)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"a courier key on {personRows:N0} sightings (the service assembles a person from at most {PersonCap:N0})"));
        }

        return notes.Count == 0 ? null : string.Join("; ", notes);
    }
}
