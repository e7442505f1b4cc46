using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ErsouIntel.Api.Storage;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Incidents;
using Npgsql;
using Xunit.Abstractions;

namespace ErsouIntel.Api.Tests.Hostile;

/// <summary>
/// Force systems pushing thousands of generated reports, valid and not, through the contract's
/// <c>ReportIncidents</c>: each is stored whole (and reads back as the domain normalised it) or
/// refused with codes and paths and leaves nothing behind; never an internal error, never a
/// status other than 200. The service's verdict is held against the domain's own
/// <see cref="IncidentValidation.Validate"/>. The generator is seeded: a failure names the seed,
/// and <c>ERSOU_FUZZ_SEED</c> replays it (or tries another).
/// </summary>
public sealed partial class FuzzedReportsTests(ServiceFixture service, ITestOutputHelper output) : IClassFixture<ServiceFixture>
{
    private const int DefaultSeed = 20_240_312;
    private const int Reports = 3000;
    private const int MaxBatchBytes = 3 * 1024 * 1024;

    /// <summary>The codes docs/domain.md gives for a report's fields.</summary>
    private static readonly HashSet<string> ReportCodes = ["REQUIRED", "TOO_LONG", "TOO_MANY", "OUT_OF_RANGE", "INVALID_FORMAT", "INVALID_PHONE_NUMBER"];

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("ERSOU_FUZZ_SEED"), CultureInfo.InvariantCulture, out var seed) ? seed : DefaultSeed;

    [Fact]
    public async Task Thousands_of_generated_reports_are_each_stored_whole_or_refused_with_codes_and_paths()
    {
        var seed = Seed;
        var random = new Random(seed);
        var generator = new ReportGenerator(random);
        var model = new Dictionary<(Force Force, string Reference), Stored>();
        var problems = new List<string>();
        var tally = new Dictionary<string, int>(StringComparer.Ordinal);
        var sent = 0;
        for (var batch = 0; sent < Reports; batch++)
        {
            var force = Forces.All[batch % Forces.All.Count];
            var now = DateTimeOffset.UtcNow;
            var inputs = generator.Batch(force, now, Math.Min(Reports - sent, random.Next(10) < 3 ? random.Next(1, 60) : 500), MaxBatchBytes);
            sent += inputs.Count;

            var answer = await service.PostAsAsync(TestCaller.ForceSystem(force), ContractOperations.Text(ContractOperations.ReportIncidents), new { inputs }, accept: "application/json");
            if (answer.Status != 200 || answer.Errors is not null || answer.Data?["reportIncidents"] is not JsonArray payloads || payloads.Count != inputs.Count)
            {
                Assert.Fail($"Seed {seed}, batch {batch} ({force}, {inputs.Count} reports): the batch itself was refused: {Shorten(answer.Text, 2000)}");
                return;
            }

            // A payload shows the incident as stored once the whole batch is written: a reference sent twice shows its last version twice.
            var shown = new List<(string Where, (Force, string) Key, JsonNode Payload)>();
            for (var i = 0; i < inputs.Count; i++)
            {
                var where = $"seed {seed}, batch {batch} ({force}), input {i}";
                var input = inputs[i];
                var payload = payloads[i]!;
                var (details, expectedErrors) = IncidentValidation.Validate(ToReport(input), now);
                var errors = payload["errors"]!.AsArray();
                var outcome = payload["outcome"]?.GetValue<string>();
                if (details is not null)
                {
                    var key = (force, input["forceReference"]!.GetValue<string>().Trim());
                    var fingerprint = details.Fingerprint();
                    var (expectedOutcome, version) = model.TryGetValue(key, out var before)
                        ? (before.Fingerprint == fingerprint ? ("UNCHANGED", before.Version) : ("AMENDED", before.Version + 1))
                        : ("CREATED", 1);
                    tally[expectedOutcome] = tally.GetValueOrDefault(expectedOutcome) + 1;
                    if (outcome != expectedOutcome || errors.Count > 0 || payload["incident"]?["forceReference"]?.GetValue<string>() != key.Item2)
                    {
                        problems.Add($"{where}: the domain accepts it ({expectedOutcome}), the service answered {payload.ToJsonString()} for {Shorten(input.ToJsonString())}");
                        continue;
                    }

                    model[key] = new Stored(details, fingerprint, version, input);
                    shown.Add((where, key, payload));
                    problems.AddRange(KnownPhonesKept(input, details).Select(p => $"{where}: {p}"));
                }
                else
                {
                    tally["refused"] = tally.GetValueOrDefault("refused") + 1;
                    var expected = expectedErrors.Select(e => $"{e.Code}@{string.Join('.', e.Path)}").ToList();
                    var actual = errors.Select(e => $"{e!["code"]!.GetValue<string>()}@{string.Join('.', e["path"]!.AsArray().Select(p => p!.GetValue<string>()))}").ToList();
                    if (outcome is not null || payload["incident"] is not null || !expected.SequenceEqual(actual))
                    {
                        problems.Add($"{where}: the domain refuses it with [{string.Join(", ", expected)}], the service answered {payload.ToJsonString()} for {Shorten(input.ToJsonString())}");
                    }

                    foreach (var error in errors)
                    {
                        if (!ReportCodes.Contains(error!["code"]!.GetValue<string>()) || error["path"]!.AsArray().Count == 0 || string.IsNullOrWhiteSpace(error["message"]?.GetValue<string>()))
                        {
                            problems.Add($"{where}: an error without a contract code, a path or a message: {error.ToJsonString()}");
                        }
                    }
                }
            }

            foreach (var (where, key, payload) in shown.Where(s => s.Payload["incident"]?["version"]?.GetValue<int>() != model[s.Key].Version))
            {
                problems.Add($"{where}: the incident is shown at version {payload["incident"]?["version"]}, stored at {model[key].Version}.");
            }

            Assert.True(problems.Count == 0, $"Seed {seed}: {problems.Count} reports went wrong (replay with ERSOU_FUZZ_SEED={seed}):\n" + string.Join('\n', problems.Take(20)));
        }

        output.WriteLine($"Seed {seed}: {sent} reports; " + string.Join(", ", tally.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key} {t.Value}")));
        Assert.True(tally.GetValueOrDefault("refused") > Reports / 5 && tally.GetValueOrDefault("CREATED") > Reports / 5 && tally.GetValueOrDefault("AMENDED") > 10 && tally.GetValueOrDefault("UNCHANGED") > 10,
            $"Seed {seed}: the generator no longer covers every verdict: {string.Join(", ", tally.Select(t => $"{t.Key} {t.Value}"))}");

        problems.AddRange(await StoredExactlyAsModelledAsync(model));
        problems.AddRange(await ReadBackThroughTheContractAsync(model, random));
        Assert.True(problems.Count == 0, $"Seed {seed}: what is stored is not what was accepted (replay with ERSOU_FUZZ_SEED={seed}):\n" + string.Join('\n', problems.Take(20)));
    }

    public static TheoryData<string, string> SchemaRefusals => new()
    {
        { "no forceReference", """{"occurredAt":"2024-03-12T14:05:00Z","category":"COURIER_FRAUD","grading":{"source":"RELIABLE","intelligence":"B","handling":"P"}}""" },
        { "null grading", """{"forceReference":"SCHEMA-1","occurredAt":"2024-03-12T14:05:00Z","category":"COURIER_FRAUD","grading":null}""" },
        { "unknown category", """{"forceReference":"SCHEMA-2","occurredAt":"2024-03-12T14:05:00Z","category":"BURGLARY","grading":{"source":"RELIABLE","intelligence":"B","handling":"P"}}""" },
        { "lower-case enum", """{"forceReference":"SCHEMA-3","occurredAt":"2024-03-12T14:05:00Z","category":"courier_fraud","grading":{"source":"RELIABLE","intelligence":"B","handling":"P"}}""" },
        { "30 February", """{"forceReference":"SCHEMA-4","occurredAt":"2024-02-30T14:05:00Z","category":"COURIER_FRAUD","grading":{"source":"RELIABLE","intelligence":"B","handling":"P"}}""" },
        { "not a date", """{"forceReference":"SCHEMA-5","occurredAt":"last Tuesday","category":"COURIER_FRAUD","grading":{"source":"RELIABLE","intelligence":"B","handling":"P"}}""" },
        { "before year 1 in UTC", """{"forceReference":"SCHEMA-6","occurredAt":"0001-01-01T00:00:00+01:00","category":"COURIER_FRAUD","grading":{"source":"RELIABLE","intelligence":"B","handling":"P"}}""" },
        { "after year 9999 in UTC", """{"forceReference":"SCHEMA-7","occurredAt":"9999-12-31T23:59:59-01:00","category":"COURIER_FRAUD","grading":{"source":"RELIABLE","intelligence":"B","handling":"P"}}""" },
        { "year 10000", """{"forceReference":"SCHEMA-8","occurredAt":"10000-01-01T00:00:00Z","category":"COURIER_FRAUD","grading":{"source":"RELIABLE","intelligence":"B","handling":"P"}}""" },
        { "date of birth in month 13", """{"forceReference":"SCHEMA-9","occurredAt":"2024-03-12T14:05:00Z","category":"COURIER_FRAUD","couriers":[{"name":"A","dateOfBirth":"1990-13-01"}],"grading":{"source":"RELIABLE","intelligence":"B","handling":"P"}}""" },
        { "date of birth with a time", """{"forceReference":"SCHEMA-10","occurredAt":"2024-03-12T14:05:00Z","category":"COURIER_FRAUD","couriers":[{"name":"A","dateOfBirth":"1990-01-01T00:00:00Z"}],"grading":{"source":"RELIABLE","intelligence":"B","handling":"P"}}""" },
        { "number as a number", """{"forceReference":"SCHEMA-11","occurredAt":"2024-03-12T14:05:00Z","category":"COURIER_FRAUD","phoneNumbers":[{"number":7700900123,"role":"CALLER"}],"grading":{"source":"RELIABLE","intelligence":"B","handling":"P"}}""" },
        { "null phone number", """{"forceReference":"SCHEMA-12","occurredAt":"2024-03-12T14:05:00Z","category":"COURIER_FRAUD","phoneNumbers":[{"number":null,"role":"CALLER"}],"grading":{"source":"RELIABLE","intelligence":"B","handling":"P"}}""" },
        { "null alias", """{"forceReference":"SCHEMA-13","occurredAt":"2024-03-12T14:05:00Z","category":"COURIER_FRAUD","suspects":[{"name":"A","aliases":["B",null]}],"grading":{"source":"RELIABLE","intelligence":"B","handling":"P"}}""" },
        { "unknown field", """{"forceReference":"SCHEMA-14","occurredAt":"2024-03-12T14:05:00Z","category":"COURIER_FRAUD","victimName":"Mrs A","grading":{"source":"RELIABLE","intelligence":"B","handling":"P"}}""" },
        { "reference as an object", """{"forceReference":{"$ne":null},"occurredAt":"2024-03-12T14:05:00Z","category":"COURIER_FRAUD","grading":{"source":"RELIABLE","intelligence":"B","handling":"P"}}""" },
        { "force in the body", """{"forceReference":"SCHEMA-15","force":"ESSEX","occurredAt":"2024-03-12T14:05:00Z","category":"COURIER_FRAUD","grading":{"source":"RELIABLE","intelligence":"B","handling":"P"}}""" },
    };

    [Theory]
    [MemberData(nameof(SchemaRefusals))]
    public async Task An_input_the_schema_refuses_is_a_clear_error_and_stores_nothing(string kind, string input)
    {
        var variables = JsonNode.Parse("{\"inputs\":[" + input + "]}");

        var answer = await service.PostAsAsync(TestCaller.ForceSystem(Force.Norfolk), ContractOperations.Text(ContractOperations.ReportIncidents), variables, accept: "application/json");

        Assert.True(answer.Status == 200, $"{kind}: {answer}");
        Assert.True(answer.Errors is { Count: > 0 }, $"{kind}: {answer}");
        Assert.All(answer.Errors!, e => Assert.True(e!["extensions"]?["code"]?.GetValue<string>() is { Length: > 0 } code && code != "INTERNAL", $"{kind}: {answer}"));
        Assert.Null(answer.Data?["reportIncidents"]);
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from ersou.li_incidents where force = 'NORFOLK' and force_reference like 'SCHEMA-%'", connection);
        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }

    private sealed record Stored(IncidentDetails Details, string Fingerprint, int Version, JsonObject Input);

    /// <summary>The database holds exactly the accepted reports, each at its version, and no event of any refused one.</summary>
    private async Task<List<string>> StoredExactlyAsModelledAsync(Dictionary<(Force Force, string Reference), Stored> model)
    {
        var problems = new List<string>();
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync();

        var rows = new Dictionary<(Force, string), (int Version, IncidentDetails Details)>();
        await using (var command = new NpgsqlCommand("select force, force_reference, version, details::text from ersou.li_incidents", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows[(Forces.FromTenantId(reader.GetString(0)), reader.GetString(1))] =
                    (reader.GetInt32(2), JsonSerializer.Deserialize<IncidentDetails>(reader.GetString(3), ReadModelJson.Options)!);
            }
        }

        foreach (var missing in model.Keys.Except(rows.Keys))
        {
            problems.Add($"{missing} was accepted but is not in ersou.li_incidents.");
        }

        foreach (var (key, (version, details)) in rows)
        {
            if (!model.TryGetValue(key, out var expected))
            {
                problems.Add($"{key} is in ersou.li_incidents but was never accepted.");
                continue;
            }

            if (version != expected.Version || details.Fingerprint() != expected.Fingerprint)
            {
                problems.Add($"{key} is stored at version {version} as {JsonSerializer.Serialize(details, ReadModelJson.Options)}, expected version {expected.Version} as {JsonSerializer.Serialize(expected.Details, ReadModelJson.Options)}.");
            }

            problems.AddRange(StoredShape(details).Select(p => $"{key}: {p}"));
        }

        var streams = new Dictionary<Guid, long>();
        await using (var command = new NpgsqlCommand("select stream_id, count(*) from ersou.mt_events group by stream_id", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                streams[reader.GetGuid(0)] = reader.GetInt64(1);
            }
        }

        var expectedStreams = model.ToDictionary(m => Incident.IdFor(m.Key.Force, m.Key.Reference), m => (long)m.Value.Version);
        foreach (var (stream, events) in streams)
        {
            if (!expectedStreams.TryGetValue(stream, out var count) || count != events)
            {
                problems.Add($"Stream {stream} holds {events} events; the accepted reports account for {(expectedStreams.TryGetValue(stream, out var c) ? c : 0)}.");
            }
        }

        problems.AddRange(expectedStreams.Keys.Except(streams.Keys).Select(s => $"Stream {s} was accepted but has no events."));
        return problems;
    }

    /// <summary>A sample of what was stored, read back by the same force's investigator through the contract's <c>Incident</c> operation.</summary>
    private async Task<List<string>> ReadBackThroughTheContractAsync(Dictionary<(Force Force, string Reference), Stored> model, Random random)
    {
        var problems = new List<string>();
        var region = new Region(service);
        var sample = model.OrderBy(m => m.Key.Force).ThenBy(m => m.Key.Reference, StringComparer.Ordinal).Where(_ => random.Next(20) == 0).Take(60).ToList();
        foreach (var ((force, reference), stored) in sample)
        {
            var incident = (await region.ReadsAsync(TestCaller.Investigator(force), ContractOperations.Incident, new { id = Incident.IdFor(force, reference).ToString() }))["incident"];
            var details = stored.Details;
            var expected = new JsonObject
            {
                ["forceReference"] = reference,
                ["occurredAt"] = details.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
                ["category"] = Constant(details.Category),
                ["impersonated"] = details.Impersonated is { } i ? Constant(i) : null,
                ["lossTypes"] = new JsonArray([.. details.LossTypes.Select(l => (JsonNode)Constant(l))]),
                ["summary"] = details.Summary,
                ["victimAgeBand"] = details.VictimAgeBand,
                ["version"] = stored.Version,
                ["grading"] = new JsonObject
                {
                    ["source"] = Constant(details.Grading.Source),
                    ["intelligence"] = Constant(details.Grading.Intelligence),
                    ["handling"] = Constant(details.Grading.Handling),
                    ["conditions"] = details.Grading.Conditions,
                },
                ["phoneNumbers"] = new JsonArray([.. details.PhoneNumbers.Select(p => (JsonNode)new JsonObject { ["e164"] = p.E164, ["role"] = Constant(p.Role) })]),
            };
            var actual = new JsonObject();
            foreach (var (name, _) in expected)
            {
                actual[name] = incident?[name]?.DeepClone();
            }

            if (incident is null || !JsonNode.DeepEquals(expected, actual))
            {
                problems.Add($"{force} {reference} reads back as {actual.ToJsonString()}, expected {expected.ToJsonString()}.");
            }
        }

        return problems;
    }

    /// <summary>What any stored incident looks like, judged without the domain's code: the contract's rules, checked by hand.</summary>
    private static IEnumerable<string> StoredShape(IncidentDetails details)
    {
        var texts = new List<(string Field, string? Value, int Max)>
        {
            ("summary", details.Summary, 4000), ("town", details.Location?.Town, 200), ("district", details.Location?.District, 200),
            ("victimAgeBand", details.VictimAgeBand, 10), ("conditions", details.Grading.Conditions, 1000),
        };
        texts.AddRange(details.Couriers.SelectMany(c => new[] { ("courier name", c.Name, 200), ("courier description", c.Description, 1000) }));
        texts.AddRange(details.Suspects.SelectMany(s => s.Aliases.Select(a => ("alias", (string?)a, 200)).Append(("suspect name", s.Name, 200))));
        foreach (var (field, value, max) in texts)
        {
            if (value is not null && (value.Length == 0 || value != value.Trim() || value.Length > max || value.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t') || !IsWellFormed(value)))
            {
                yield return $"{field} is stored as \"{Shorten(value)}\", which is not trimmed text of at most {max} characters.";
            }
        }

        foreach (var phone in details.PhoneNumbers.Where(p => !E164().IsMatch(p.E164)))
        {
            yield return $"phone number {phone.E164} is not E.164.";
        }

        foreach (var registration in details.Couriers.Select(c => c.VehicleRegistration).OfType<string>().Where(r => !Registration().IsMatch(r)))
        {
            yield return $"vehicle registration {registration} is not 2 to 8 upper-case letters and digits.";
        }

        foreach (var pnc in details.Couriers.Select(c => c.PncId).Concat(details.Suspects.Select(s => s.PncId)).OfType<string>().Where(p => !Pnc().IsMatch(p)))
        {
            yield return $"PNC ID {pnc} is not YY/N..NL.";
        }

        if (details.Location?.PostcodeDistrict is { } postcode && !PostcodeDistrict().IsMatch(postcode))
        {
            yield return $"postcode district {postcode} is not an outward code.";
        }

        if (details.Location is { Town: null, District: null, PostcodeDistrict: null })
        {
            yield return "an empty location is stored.";
        }

        if (details.OccurredAt.Offset != TimeSpan.Zero)
        {
            yield return $"occurredAt {details.OccurredAt:O} is not kept in UTC.";
        }

        if (new[] { details.LossTypes.Count, details.PhoneNumbers.Count, details.Couriers.Count, details.Suspects.Count }.Max() > 50
            || details.PhoneNumbers.Distinct().Count() != details.PhoneNumbers.Count || details.LossTypes.Distinct().Count() != details.LossTypes.Count)
        {
            yield return "a list holds more than 50 items or the same item twice.";
        }
    }

    /// <summary>Spellings the contract itself equates: each accepted one must be stored as its E.164 number.</summary>
    private static IEnumerable<string> KnownPhonesKept(JsonObject input, IncidentDetails details)
    {
        foreach (var phone in (input["phoneNumbers"] as JsonArray ?? []).Select(p => p!["number"]!.GetValue<string>()))
        {
            if (ReportGenerator.KnownPhones.TryGetValue(phone, out var e164) && !details.PhoneNumbers.Any(p => p.E164 == e164))
            {
                yield return $"\"{phone}\" was not kept as {e164}.";
            }
        }
    }

    /// <summary>The report the schema makes of a generated input (the generator sends only what the schema takes).</summary>
    private static IncidentReport ToReport(JsonObject input)
    {
        static string? Text(JsonNode? node) => node?.GetValue<string>();
        static TEnum? Enum<TEnum>(JsonNode? node)
            where TEnum : struct, Enum => node is null ? null : System.Enum.Parse<TEnum>(node.GetValue<string>().Replace("_", "", StringComparison.Ordinal), ignoreCase: true);
        static DateOnly? Date(JsonNode? node) => node is null ? null : DateOnly.ParseExact(node.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture);
        static List<T>? Items<T>(JsonNode? node, Func<JsonNode, T> item) => (node as JsonArray)?.Select(n => item(n!)).ToList();

        var grading = input["grading"]!;
        var location = input["location"];
        return new IncidentReport(
            input["forceReference"]!.GetValue<string>(),
            DateTimeOffset.Parse(input["occurredAt"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.None),
            Enum<IncidentCategory>(input["category"])!.Value,
            Enum<Impersonation>(input["impersonated"]),
            Items(input["lossTypes"], n => Enum<LossType>(n)!.Value),
            location is null ? null : new LocationReport(Text(location["town"]), Text(location["district"]), Text(location["postcodeDistrict"])),
            Text(input["victimAgeBand"]),
            Text(input["summary"]),
            Items(input["phoneNumbers"], n => new PhoneNumberReport(n["number"]!.GetValue<string>(), Enum<PhoneRole>(n["role"])!.Value)),
            Items(input["couriers"], n => new CourierReport(Text(n["name"]), Date(n["dateOfBirth"]), Text(n["description"]), Text(n["vehicleRegistration"]), Text(n["pncId"]))),
            Items(input["suspects"], n => new SuspectReport(Text(n["name"]), Date(n["dateOfBirth"]), Text(n["pncId"]), Items(n["aliases"], a => a.GetValue<string>()))),
            new GradingReport(Enum<SourceEvaluation>(grading["source"])!.Value, Enum<IntelligenceAssessment>(grading["intelligence"])!.Value, Enum<HandlingCode>(grading["handling"])!.Value, Text(grading["conditions"])));
    }

    /// <summary>An enum value as the schema spells it: <c>CourierFraud</c> is <c>COURIER_FRAUD</c>.</summary>
    private static string Constant<TEnum>(TEnum value)
        where TEnum : struct, Enum => ConstantCase().Replace(value.ToString(), "$1_$2").ToUpperInvariant();

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static string Shorten(string? text, int max = 400) => text is null ? "null" : text.Length > max ? text[..max] + $"... ({text.Length} characters)" : text;

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex ConstantCase();

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}\z")]
    private static partial Regex E164();

    [GeneratedRegex(@"^[A-Z0-9]{2,8}\z")]
    private static partial Regex Registration();

    [GeneratedRegex(@"^[0-9]{2}/(0|[1-9][0-9]{0,6})[A-Z]\z")]
    private static partial Regex Pnc();

    [GeneratedRegex(@"^[A-Z]{1,2}[0-9][A-Z0-9]?\z")]
    private static partial Regex PostcodeDistrict();

    /// <summary>
    /// Makes ReportIncidentInput values the schema accepts, about half of which the domain
    /// refuses. A clean report draws every field from values meant to pass (edges included); a
    /// hostile one draws from everything: edge and junk text, many spellings of phone numbers, dates at the edges, PNC IDs,
    /// registrations, lists of 0 to 60 items, optional fields left out or null, references used
    /// again (to be UNCHANGED, AMENDED, or refused while the stored version stays).
    /// </summary>
    private sealed class ReportGenerator(Random random)
    {
        public static readonly Dictionary<string, string> KnownPhones = new(StringComparer.Ordinal)
        {
            ["07700 900123"] = "+447700900123",
            ["+44 7700 900123"] = "+447700900123",
            ["447700900123"] = "+447700900123",
            ["00447700900123"] = "+447700900123",
            ["07700900456"] = "+447700900456",
            ["+44 20 7946 0018"] = "+442079460018",
            ["020 7946 0018"] = "+442079460018",
            ["+33 1 42 68 53 00"] = "+33142685300",
        };

        private static readonly string[] OtherPhones =
        [
            "(07700) 900-789", "07700-900-321", "+44 (0)7700 900654", "+44-7700-900-111", "tel:+447700900222", "０７７００ ９００１２３",
            "12345", "0", "+44", "+", "", "   ", "abc", "07700 900123 ext. 9", "999", "112", "+1 202 555 0143", "+1 (415) 555-2671",
            "0044 7700 900123", "7700900123", "+447700900123000", "07700 9OO123", "+44 7700 900 12", new string('0', 40), new string('7', 41),
            "☎ 07700 900123", "٠٧٧٠٠٩٠٠١٢٣", "07700\u00A0900123", "07700\t900123", "+44 7700 900123\n", "\u202E07700 900123",
        ];

        private static readonly string[] Words =
        [
            "courier", "collected", "the", "bank", "card", "caller", "posed", "as", "DC", "Smith", "from", "Watford", "police", "station",
            "victim", "aged", "87", "handed", "over", "£2,000", "cash", "taxi", "Ford", "Focus", "محتال", "اتصل", "שלום", "Привет",
            "日本語", "👮‍♀️", "🚓", "💷", "🇬🇧", "e\u0301", "Zoë", "O'Brien", "\"quoted\"", "back\\slash", "<script>alert(1)</script>",
            "'; drop table ersou.li_incidents; --", "{\"$ne\":null}", "%00", "\\u0000", "null", "undefined", "\u200B", "\u202Ereversed\u202C", "\uFEFF",
        ];

        private static readonly string[] Blanks = [" ", "   ", "\t", "\n", "\r\n", " \t\r\n ", "\u00A0", "\u2003\u3000", "\u0085", "\u000B\u000C"];

        private static readonly string[] Controls = ["\u0000", "\u0001", "\u0007", "\u0008", "\u001B", "\u007F", "\u009F", "\u000B", "\u000C", "\u0085"];

        private static readonly string[] CleanRegistrations = ["AB12 CDE", "ab12-cde", "A1", "AB12CDEF", "12345678", "M4 4AA", "ROB 1N", "AB12 CDE\n"];

        private static readonly string[] CleanPncIds = ["19/123456A", "2019/0012345a", " 19 / 1234567 Z ", "00/0000000Z", "1999/1B"];

        private static readonly string[] CleanPostcodes = ["WD19", "wd19", " CB1 ", "SW1A", "EC1A", "W1", "B1", "ZZ99", ""];

        private static readonly string[] CleanAgeBands = ["80-89", "90+", "0-9", "100+", " 70-79 ", ""];

        private static readonly string[] Registrations = ["AB12 CDE", "ab12-cde", "A1", "AB12CDEF", "AB12CDEFG", "  ", "!!", "Ä1", "AB 12", "x", "12345678", "😀😀", "AB12 CDE\n", "AB\u000112", "M4 4AA", "ROB 1N"];

        private static readonly string[] PncIds = ["19/123456A", "2019/0012345a", " 19 / 1234567 Z ", "19/12345678A", "123456A", "19-123456A", "AB/123456C", "00/0000000Z", "  ", "19/0A", "1999/1B", "19/123456", "19/123456AB", "١٩/١٢٣٤٥٦A"];

        private static readonly string[] Postcodes = ["WD19", "wd19", " CB1 ", "SW1A", "EC1A", "W1", "WD199", "123", "", "ZZ99", "WD 19", "B1", "  ", "W1A1", "WD19 4AA", "ᵂᴰ19"];

        private static readonly string[] AgeBands = ["80-89", "90+", "0-9", "100+", "1000+", "80 - 89", "eighty", "", " 70-79 ", "12345678901", "80-", "-89", "٨٠-٨٩", "80–89"];

        private readonly Dictionary<Force, List<string>> references = Forces.All.ToDictionary(f => f, _ => new List<string>());
        private readonly Dictionary<(Force, string), JsonObject> lastSent = [];
        private int serial;
        private bool clean;

        /// <summary>Up to <paramref name="count"/> inputs for one force, no more than <paramref name="maxBytes"/> once serialised.</summary>
        public List<JsonObject> Batch(Force force, DateTimeOffset now, int count, int maxBytes)
        {
            var batch = new List<JsonObject>();
            var bytes = 0;
            while (batch.Count < count)
            {
                var input = Next(force, now);
                bytes += Encoding.UTF8.GetByteCount(input.ToJsonString());
                if (bytes > maxBytes && batch.Count > 0)
                {
                    break;
                }

                batch.Add(input);
            }

            return batch;
        }

        private JsonObject Next(Force force, DateTimeOffset now)
        {
            clean = random.Next(100) < 45;
            var reference = Reference(force);
            if (lastSent.TryGetValue((force, reference), out var earlier) && random.Next(2) == 0)
            {
                // The same report again, perhaps with its phone numbers spelled another way: UNCHANGED when it was stored.
                var again = earlier.DeepClone().AsObject();
                foreach (var phone in (again["phoneNumbers"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    var e164 = KnownPhones.GetValueOrDefault(phone["number"]!.GetValue<string>());
                    var respelled = KnownPhones.Where(k => k.Value == e164).Select(k => k.Key).ToList();
                    if (respelled.Count > 0)
                    {
                        phone["number"] = Pick(respelled);
                    }
                }

                return again;
            }

            var input = new JsonObject
            {
                ["forceReference"] = reference,
                ["occurredAt"] = OccurredAt(now),
                ["category"] = Constant(Pick(Enum.GetValues<IncidentCategory>())),
            };
            Optional(input, "impersonated", () => Constant(Pick(Enum.GetValues<Impersonation>())));
            Optional(input, "lossTypes", () => List(() => Constant(Pick(Enum.GetValues<LossType>()))));
            Optional(input, "location", () => new JsonObject
            {
                ["town"] = Text(200),
                ["district"] = Text(200),
                ["postcodeDistrict"] = clean ? Pick(CleanPostcodes) : random.Next(4) == 0 ? Text(10) : Pick(Postcodes),
            });
            Optional(input, "victimAgeBand", () => clean ? Pick(CleanAgeBands) : random.Next(5) == 0 ? Text(10) : Pick(AgeBands));
            Optional(input, "summary", () => Text(4000));
            Optional(input, "phoneNumbers", () => List(() => new JsonObject
            {
                ["number"] = clean ? Pick(KnownPhones.Keys.ToList()) : random.Next(3) switch
                {
                    0 => Pick(KnownPhones.Keys.ToList()),
                    1 => Pick(OtherPhones),
                    _ => Text(40, allowNull: false),
                },
                ["role"] = Constant(Pick(Enum.GetValues<PhoneRole>())),
            }));
            Optional(input, "couriers", () => List(() => Named(Some(new JsonObject
            {
                ["name"] = Text(200),
                ["dateOfBirth"] = DateOfBirth(now),
                ["description"] = Text(1000),
                ["vehicleRegistration"] = clean ? Pick(CleanRegistrations) : random.Next(4) == 0 ? Text(12) : Pick(Registrations),
                ["pncId"] = clean ? Pick(CleanPncIds) : random.Next(4) == 0 ? Text(16) : Pick(PncIds),
            }))));
            Optional(input, "suspects", () => List(() => Named(Some(new JsonObject
            {
                ["name"] = Text(200),
                ["dateOfBirth"] = DateOfBirth(now),
                ["pncId"] = clean ? Pick(CleanPncIds) : random.Next(4) == 0 ? Text(16) : Pick(PncIds),
                ["aliases"] = random.Next(3) == 0 ? null : List(() => Text(200, allowNull: false)),
            }))));
            var handling = Pick(Enum.GetValues<HandlingCode>());
            var grading = new JsonObject
            {
                ["source"] = Constant(Pick(Enum.GetValues<SourceEvaluation>())),
                ["intelligence"] = Constant(Pick(Enum.GetValues<IntelligenceAssessment>())),
                ["handling"] = Constant(handling),
            };
            Optional(grading, "conditions", () => Text(1000));
            if (clean && handling == HandlingCode.C)
            {
                grading["conditions"] = Ordinary();
            }

            input["grading"] = grading;
            lastSent[(force, reference)] = input;
            return input;
        }

        private string Reference(Force force)
        {
            var known = references[force];
            var roll = random.Next(100);
            if (clean && roll is >= 15 and < 25)
            {
                roll += 10;
            }

            if (roll < 15 && known.Count > 0)
            {
                return Pick(known);
            }

            var n = serial++;
            var reference = roll switch
            {
                < 25 => Pick<string>(
                [
                    "", " ", "\t", new string('R', 65), $"HAS SPACE {n}", $"-LEAD-{n}", $"EMOJI-😀-{n}", $"CTL\u0001{n}", $"ÜMLAUT-{n}", $" PADDED-{n} ",
                    $"QUOTE\"{n}", $"SLASH\\{n}", $"PERCENT%{n}", $"SEMI;{n}", $"NUL\u0000{n}", $"TAB\t{n}", $"NBSP\u00A0{n}", new string('9', 64) + "\n",
                ]),
                < 30 => Pick<string>(
                [
                    $"E{n}".PadRight(64, '0'), $"A/B_C-D.E:F#G{n}", $"{n}", $"a{n}", $"NEWLINE-{n}\n", $"lower-case-{n}",
                ]),
                _ => FormattableString.Invariant($"FZ-{force.TenantId()[..3]}-{n}"),
            };
            if (reference.Length is > 0 and <= 64 && char.IsAsciiLetterOrDigit(reference[0]))
            {
                known.Add(reference);
            }

            return reference;
        }

        private string OccurredAt(DateTimeOffset now)
        {
            string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            return random.Next(12) switch
            {
                0 when clean => Pick<string>(["1950-01-01T00:00:00Z", "2000-02-29T12:00:00Z", "1970-01-01T00:00:00Z", "1950-01-01T00:30:00+01:00"]),
                0 => Pick<string>(["1950-01-01T00:00:00Z", "1949-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2000-02-29T12:00:00Z", "1970-01-01T00:00:00Z"]),
                1 when clean => Pick<string>([Utc(now.AddDays(1).AddHours(-1)), Utc(now)]),
                1 => Pick<string>([Utc(now.AddDays(1).AddHours(-1)), Utc(now.AddDays(1).AddHours(1)), Utc(now.AddYears(1)), Utc(now)]),
                2 => new DateTimeOffset(2024, 3, 12, 14, 5, 0, TimeSpan.FromMinutes(Pick<int>([60, -330, 840, -720, 345]))).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
                3 => Pick<string>(["2024-03-12T14:05:00.1234567Z", "2024-03-12T14:05:00.5Z", "2024-12-31T23:59:59.9999999Z", "2024-03-12T14:05:00.000001+01:00"]),
                _ => Utc(new DateTimeOffset(2015, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(random.Next(0, 5_000_000))),
            };
        }

        private string? DateOfBirth(DateTimeOffset now)
        {
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            return random.Next(8) switch
            {
                0 => null,
                1 when clean => Pick<string>([Iso(today.AddYears(-120).AddDays(2)), Iso(today.AddDays(-2))]),
                1 => Pick<string>([Iso(today.AddYears(-120).AddDays(-2)), Iso(today.AddYears(-120).AddDays(2)), Iso(today.AddDays(2)), Iso(today.AddDays(-2))]),
                2 when clean => Pick<string>(["2000-02-29", "1960-02-29"]),
                2 => Pick<string>(["0001-01-01", "9999-12-31", "2000-02-29", "1904-02-29"]),
                _ => Iso(new DateOnly(1940, 1, 1).AddDays(random.Next(0, 25_000))),
            };
        }

        /// <summary>Text for a field of at most <paramref name="max"/> characters: mostly ordinary, often at or past an edge.</summary>
        private string? Text(int max, bool allowNull = true)
        {
            if (clean)
            {
                return random.Next(12) switch
                {
                    0 when allowNull => null,
                    1 => Pick(Blanks[..7]),
                    2 => "  " + new string('x', max) + "\t",
                    3 => string.Concat(Enumerable.Repeat("😀", max / 2)),
                    4 => "line one\nline two\r\n\tindented",
                    _ => Ordinary(),
                };
            }

            return random.Next(24) switch
            {
                0 when allowNull => null,
                1 => "",
                2 => Pick(Blanks),
                3 => Pick(Blanks) + new string('x', max) + Pick(Blanks),
                4 => new string('y', max + 1),
                5 => new string('z', Math.Min(20_000, max * random.Next(2, 6))),
                6 => Ordinary() + Pick(Controls) + Ordinary(),
                7 => string.Concat(Enumerable.Repeat("😀", (max / 2) + random.Next(0, 2))),
                8 => "line one\nline two\r\n\tindented",
                9 => Pick(Controls),
                _ => Ordinary(),
            };
        }

        private string Ordinary() => string.Join(' ', Enumerable.Range(0, random.Next(1, 12)).Select(_ => Pick(Words)));

        /// <summary>Lists of 0 to 60 items: mostly short, sometimes either side of the 50-item limit.</summary>
        private JsonArray List(Func<JsonNode?> item)
        {
            var count = random.Next(10) switch
            {
                0 => random.Next(45, clean ? 51 : 61),
                1 => 0,
                _ => random.Next(1, 6),
            };
            return new JsonArray([.. Enumerable.Range(0, count).Select(_ => item())]);
        }

        /// <summary>An object with some of its optional fields left out (and a few written as null).</summary>
        private JsonObject Some(JsonObject item)
        {
            foreach (var name in item.Select(p => p.Key).ToList())
            {
                if (item[name] is null || random.Next(3) == 0)
                {
                    if (random.Next(4) == 0)
                    {
                        item[name] = null;
                    }
                    else
                    {
                        item.Remove(name);
                    }
                }
            }

            return item;
        }

        /// <summary>A clean courier or suspect has a name at least, so it is not REQUIRED.</summary>
        private JsonObject Named(JsonObject item)
        {
            if (clean)
            {
                item["name"] = Ordinary();
            }

            return item;
        }

        private void Optional(JsonObject target, string name, Func<JsonNode?> value)
        {
            switch (random.Next(6))
            {
                case 0:
                    return;
                case 1:
                    target[name] = null;
                    return;
                default:
                    target[name] = value();
                    return;
            }
        }

        private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
    }
}
