using System.Globalization;
using System.Text.Json;
using ErsouIntel.Domain;
using Npgsql;
using Spectre.Console;
using static ErsouIntel.Benchmark.Invariant;

namespace ErsouIntel.Benchmark.Phases;

/// <summary>A search text and what it was drawn from.</summary>
internal sealed record SearchInput(string Kind, string Text);

/// <summary>
/// <c>search(text, first: 20)</c> for texts drawn with the seed from what is stored, in equal shares:
/// numbers in national format, registrations with a space, PNC IDs, force references, and 3 to 5
/// letter prefixes of words of stored courier and suspect names; through the API, and its floor,
/// timing-only (<see cref="FloorSql"/>).
/// </summary>
internal static class SearchQueries
{
    public const int First = 20;
    // EntitySearch.MaxNameCandidates: the service reads at most this many name sightings.
    private const int NameCandidates = 100;

    /// <summary>
    /// Timing-only: the text tried every way at once, as the service does, by index: the number and
    /// the registration as entity keys, the PNC ID as an identity key, the reference on the incidents,
    /// each with whether the investigator sees a record carrying it in full; name words through the
    /// GIN index on link names (at most 100 candidate sightings seen in full, as the service). It does not assemble
    /// people or order the hits by label.
    /// </summary>
    public const string FloorSql =
        $"""
        with hits as (
            select e.id, exists (select 1 from ersou.li_links l join ersou.li_incidents i on i.id = l.incident_id where l.entity_id = e.id and {LinkFloorSql.SeesInFull}) as seen
              from ersou.li_entities e where e.kind = 'PHONE' and e.key = @e164
            union all
            select e.id, exists (select 1 from ersou.li_links l join ersou.li_incidents i on i.id = l.incident_id where l.entity_id = e.id and {LinkFloorSql.SeesInFull})
              from ersou.li_entities e where e.kind = 'VEHICLE' and e.key = @registration
            union all
            select k.entity_id, exists (select 1 from ersou.li_links l join ersou.li_incidents i on i.id = l.incident_id where l.entity_id = k.entity_id and {LinkFloorSql.SeesInFull})
              from ersou.li_entity_keys k where k.kind in ('COURIER', 'SUSPECT') and k.key = 'pnc:' || @pnc
            union all
            select i.id, {LinkFloorSql.SeesInFull} from ersou.li_incidents i where i.force_reference = @reference
            union all
            select distinct c.entity_id, true
              from (select l.entity_id
                      from ersou.li_links l join ersou.li_incidents i on i.id = l.incident_id
                     where @words <> '' and l.name is not null and l.kind in ('COURIER', 'SUSPECT')
                       and to_tsvector('simple', l.name) @@ to_tsquery('simple', case when @words = '' then 'x' else @words end)
                       and {LinkFloorSql.SeesInFull}
                     limit @candidates) c
        )
        select count(*) from (select * from hits limit @first) h
        """;

    public static async Task<List<SearchInput>> PickAsync(BenchDatabase db, int count, int seed, CancellationToken cancellation)
    {
        var per = Math.Max(1, count / 5);
        await using var connection = await db.DataSource.OpenConnectionAsync(cancellation);
        await using (var seeded = new NpgsqlCommand("select setseed(@s)", connection))
        {
            seeded.Parameters.AddWithValue("s", seed % 1000 / 1000.0);
            await seeded.ExecuteNonQueryAsync(cancellation);
        }

        async Task<List<string>> Sample(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("n", per);
            var found = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                found.Add(reader.GetString(0));
            }

            return found;
        }

        var random = new Random(seed);
        var inputs = new List<SearchInput>();
        // National format: +44 7700 900123 is typed 07700 900123.
        inputs.AddRange((await Sample("select key from ersou.li_entities where kind = 'PHONE' and key like '+44%' order by random() limit @n"))
            .Select(k => new SearchInput("number", "0" + k[3..])));
        // With the space people type: AB12 CDE.
        inputs.AddRange((await Sample("select key from ersou.li_entities where kind = 'VEHICLE' order by random() limit @n"))
            .Select(k => new SearchInput("registration", k.Length > 4 ? k[..^3] + " " + k[^3..] : k)));
        inputs.AddRange((await Sample("select substr(key, 5) from ersou.li_entity_keys where kind in ('COURIER', 'SUSPECT') and key like 'pnc:%' order by random() limit @n"))
            .Select(k => new SearchInput("PNC ID", k)));
        inputs.AddRange((await Sample("select force_reference from ersou.li_incidents order by random() limit @n"))
            .Select(k => new SearchInput("force reference", k)));
        inputs.AddRange((await Sample("select name from ersou.li_links where name is not null and kind in ('COURIER', 'SUSPECT') order by random() limit @n"))
            .Select(name => name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length >= 3 && w.All(char.IsLetter)).ToList())
            .Where(words => words.Count > 0)
            .Select(words =>
            {
                var word = words[random.Next(words.Count)];
                return new SearchInput("name prefix", word[..Math.Min(word.Length, random.Next(3, 6))].ToLowerInvariant());
            }));

        // Interleaved, so a slow kind does not sit in one stretch of the run.
        return [.. inputs.OrderBy(_ => random.Next())];
    }

    public static async Task<TimedFigures> RunAsync(GraphQLClient api, Tokens tokens, BenchDatabase db, IReadOnlyList<SearchInput> inputs, ProgressContext progress, CancellationToken cancellation)
    {
        var token = await tokens.InvestigatorTokenAsync(LinkQueries.Investigator, cancellation);
        var (subject, force) = await LinkQueries.MeAsync(api, token, cancellation);
        var (figures, _) = await TimedQuestions.RunAsync(
            Inv($"search, first {First}"),
            inputs,
            input => TimedQuestions.AskAsync(api, tokens, Operations.Search, "Search",
                new { text = input.Text, first = First, purpose = LinkQueries.Purpose, why = LinkQueries.Why }, "search", cancellation),
            async (floor, input) => await FloorConnection.TimedAsync(
                await floor.CommandAsync(FloorSql, Parameters(input, force, subject), cancellation), _ => { }, cancellation),
            answers => Describe(inputs, answers),
            db,
            progress,
            cancellation);
        return figures;
    }

    /// <summary>The text read every way, as the service reads it (normalised in C#, as the service does before its statement).</summary>
    private static (string, object)[] Parameters(SearchInput input, string force, string subject)
    {
        var words = string.Join(" & ", input.Text.Split([' ', '/', '-', '.'], StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w.All(char.IsLetterOrDigit)).Select(w => w.ToLowerInvariant() + ":*"));
        return
        [
            ("e164", Normalise.PhoneNumber(input.Text) ?? ""),
            ("registration", Normalise.VehicleRegistration(input.Text) ?? ""),
            ("pnc", Normalise.PncId(input.Text) ?? ""),
            ("reference", input.Text.Trim()),
            ("words", words),
            ("force", force),
            ("subject", subject),
            ("shared", true),
            ("candidates", NameCandidates),
            ("first", First),
        ];
    }

    private static string Describe(IReadOnlyList<SearchInput> inputs, IReadOnlyList<JsonElement?> answers)
    {
        var byKind = inputs.Zip(answers).GroupBy(x => x.First.Kind).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => string.Create(CultureInfo.InvariantCulture,
                $"{g.Key} {g.Count(x => x.Second is { } a && a.GetArrayLength() > 0)}/{g.Count()} found"));
        return string.Join(", ", byKind);
    }
}
