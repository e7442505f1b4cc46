using System.Text.Json;
using ErsouIntel.Api.Audit.Verifying;
using ErsouIntel.Api.Incidents.Importing;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ErsouIntel.Api.Tests.Importing;

/// <summary>
/// The bulk import (<c>import --file</c>) against the live path: the same incidents pushed through
/// <c>reportIncidents</c> into one database and imported into another must give the same link
/// graph, row for row (people's ids aside, which are random), and the same matches.
/// </summary>
public sealed class ImportingIncidentsTests(ServiceFixture service) : IClassFixture<ServiceFixture>, IDisposable
{
    private static readonly Force[] Forces = Enum.GetValues<Force>();
    private readonly string folder = Directory.CreateTempSubdirectory("ersou-import-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static readonly SemaphoreSlim Pushing = new(1, 1);

    [Fact]
    public async Task Importing_gives_the_same_link_graph_and_matches_as_pushing_through_the_API()
    {
        var incidents = Generate(360);
        var pushedThroughTheApi = await PushedAsync(incidents);
        var imported = await TestPostgres.CreateDatabaseAsync("ImportingIncidentsTestsBulk");
        var app = await ServiceFixture.StartAsync(imported);
        try
        {
            // Batches of 47: entities and matches span batches, as in a real load.
            var (exit, output) = await ImportAsync(app.Services, Write(folder, incidents), "--batch", "47");
            Assert.True(exit == 0, output);
            Assert.Contains("360 incidents imported (360 new in bulk, 0 already stored", output, StringComparison.Ordinal);

            AssertSame(pushedThroughTheApi, await SnapshotAsync(imported));
            Assert.Equal(0L, await ScalarAsync(imported, "select count(*) from ersou.li_load_pending"));

            // Every imported incident is named in a COLLECTION entry of the operator, and the chain holds.
            Assert.Equal(360L, await ScalarAsync(imported, "select count(distinct r->>'id') from ersou.access_log, jsonb_array_elements(records) r where kind = 'COLLECTION' and operation = 'import'"));
            Assert.True((await app.Services.GetRequiredService<AccessLogVerifier>().VerifyAsync(CancellationToken.None)).Valid);
        }
        finally
        {
            await app.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(imported);
        }
    }

    [Fact]
    public async Task An_import_cut_half_way_and_started_again_finishes_with_everything_once()
    {
        var incidents = Generate(360);
        var pushedThroughTheApi = await PushedAsync(incidents);
        var imported = await TestPostgres.CreateDatabaseAsync("ImportingIncidentsTestsCut");
        var app = await ServiceFixture.StartAsync(imported);
        try
        {
            var file = Write(folder, incidents);

            // Cut while batches are being linked: once at least 100 incidents wait for their matches, which
            // the load works out only at its end. Small batches make a load long enough to cut in the middle.
            using var cut = new CancellationTokenSource();
            var load = ImportAsync(app.Services, file, cut.Token, "--batch", "4");
            while (!load.IsCompleted && await ScalarAsync(imported, "select count(*) from ersou.li_load_pending") < 100)
            {
                await Task.Delay(5);
            }

            await cut.CancelAsync();
            var cutShort = await Record.ExceptionAsync(() => load);
            Assert.True(cutShort is OperationCanceledException, $"the load should have been cut half way, not end with {cutShort?.ToString() ?? (await load).Output}");

            var stored = await ScalarAsync(imported, "select count(*) from ersou.mt_streams");
            var linked = await ScalarAsync(imported, "select count(*) from ersou.li_incidents");
            Assert.InRange(stored, 100, 359);
            Assert.InRange(linked, 100, stored);
            Assert.True(await ScalarAsync(imported, "select count(*) from ersou.li_load_pending") >= 100, "the cut load's incidents wait for their matches");

            var (exit, output) = await ImportAsync(app.Services, file, CancellationToken.None, "--batch", "47");
            Assert.True(exit == 0, output);
            Assert.Contains($"360 incidents imported ({360 - stored} new in bulk, {stored} already stored", output, StringComparison.Ordinal);

            AssertSame(pushedThroughTheApi, await SnapshotAsync(imported));
            Assert.Equal(360L, await ScalarAsync(imported, "select count(*) from ersou.mt_events"));
            Assert.Equal(0L, await ScalarAsync(imported, "select count(*) from ersou.li_load_pending"));
            Assert.True((await app.Services.GetRequiredService<AccessLogVerifier>().VerifyAsync(CancellationToken.None)).Valid);
        }
        finally
        {
            await app.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(imported);
        }
    }

    /// <summary>The incidents pushed through reportIncidents once, into the fixture's database (shared by this class's tests), as the graph to compare with.</summary>
    private async Task<Snapshot> PushedAsync(List<Generated> incidents)
    {
        await Pushing.WaitAsync();
        try
        {
            if (await ScalarAsync(service.ConnectionString, "select count(*) from ersou.li_incidents") == 0)
            {
                var region = new Region(service);
                foreach (var force in incidents.GroupBy(i => i.Force))
                {
                    foreach (var batch in force.Select(i => i.Input).Chunk(50))
                    {
                        var payloads = await region.ReportsBatchAsync(force.Key, batch);
                        Assert.All(payloads, p => Assert.Equal("CREATED", p!["outcome"]!.GetValue<string>()));
                    }
                }

            }

            return await SnapshotAsync(service.ConnectionString);
        }
        finally
        {
            Pushing.Release();
        }
    }

    private static void AssertSame(Snapshot pushedThroughTheApi, Snapshot bulk)
    {
        Assert.True(pushedThroughTheApi.Matches.Count > 10, $"the data should make matches, made {pushedThroughTheApi.Matches.Count}");
        Assert.Contains(pushedThroughTheApi.Matches, m => m.StartsWith("PHONE", StringComparison.Ordinal));
        Assert.Contains(pushedThroughTheApi.Matches, m => m.StartsWith("COURIER", StringComparison.Ordinal));
        Assert.Contains(pushedThroughTheApi.Matches, m => m.StartsWith("VEHICLE", StringComparison.Ordinal));
        Assert.Equal(pushedThroughTheApi.Incidents, bulk.Incidents);
        Assert.Equal(pushedThroughTheApi.Links, bulk.Links);
        Assert.Equal(pushedThroughTheApi.Keys, bulk.Keys);
        Assert.Equal(pushedThroughTheApi.Matches, bulk.Matches);
        Assert.Equal(pushedThroughTheApi.Streams, bulk.Streams);
    }

    internal sealed record Generated(Force Force, Dictionary<string, object?> Input);

    /// <summary>Incidents that share numbers, couriers, cars and suspects across forces, some graded C.</summary>
    internal static List<Generated> Generate(int count, string tag = "IMP")
    {
        string[] shared = ["07700 900101", "+44 7700 900102", "07700900103", "447700900104", "07700 900105", "07700 900106"];
        object[] couriers =
        [
            new { name = "Dean Walker", dateOfBirth = "1996-04-02", pncId = "15/123456A", vehicleRegistration = "AB12 CDE" },
            new { name = "Dean Walker", dateOfBirth = "1996-04-02" },
            new { pncId = "15/123456A", vehicleRegistration = "XY65 ZZZ" },
            new { name = "Kyle Hughes", dateOfBirth = "2001-11-30", vehicleRegistration = "AB12 CDE" },
            new { description = "male, 20s, grey tracksuit" },
            new { name = "Reece Ward", dateOfBirth = "1999-07-15", pncId = "18/7654321B" },
        ];
        object[] suspects = [new { name = "Marcus Hill", dateOfBirth = "1975-02-01", pncId = "09/1111111C" }, new { name = "Unknown caller" }];
        var incidents = new List<Generated>();
        for (var i = 0; i < count; i++)
        {
            var force = Forces[i % Forces.Length];
            var phones = i % 3 == 0 ? [shared[i % shared.Length]] : new[] { $"07{1 + (i % 3)}{i * 7919 % 100_000_000:D8}", shared[(i / 3) % shared.Length] };
            var input = AnIncident.Courier($"{tag}/{force.TenantId()[..3]}/{i:D4}", phones: phones, couriers: i % 4 == 3 ? [] : [couriers[i % couriers.Length]], handling: i % 5 == 0 ? "C" : "P");
            if (i % 7 == 0)
            {
                input["suspects"] = new[] { suspects[i % suspects.Length] };
            }

            incidents.Add(new Generated(force, input));
        }

        return incidents;
    }

    internal static string Write(string folder, IReadOnlyList<Generated> incidents)
    {
        var path = Path.Combine(folder, $"{Guid.NewGuid():N}.ndjson");
        File.WriteAllLines(path, incidents.Select(i => Line(i.Force, i.Input)));
        return path;
    }

    internal static string Line(Force force, Dictionary<string, object?> input) => JsonSerializer.Serialize(new { force = force.TenantId(), input });

    internal static Task<(int Exit, string Output)> ImportAsync(IServiceProvider services, string file, params string[] more) =>
        ImportAsync(services, file, CancellationToken.None, more);

    internal static async Task<(int Exit, string Output)> ImportAsync(IServiceProvider services, string file, CancellationToken cancellation, params string[] more)
    {
        var output = new StringWriter();
        var exit = await ImportCommand.RunAsync(services, ["--file", file, "--operator", "test.operator", .. more], TextWriter.Synchronized(output), TextWriter.Synchronized(output), cancellation);
        return (exit, output.ToString());
    }

    private sealed record Snapshot(List<string> Incidents, List<string> Links, List<string> Keys, List<string> Matches, List<string> Streams);

    /// <summary>The link graph as text rows, people by their identity keys rather than their random ids.</summary>
    private static async Task<Snapshot> SnapshotAsync(string connectionString) => new(
        await TestPostgres.RowsAsync(connectionString, "select i.force, i.force_reference, i.handling, i.category, i.occurred_at, i.retracted, i.version, i.details::text from ersou.li_incidents i"),
        await TestPostgres.RowsAsync(connectionString,
            """
            select i.force, i.force_reference, l.kind, l.ordinal, e.kind, e.key, l.role, l.name, l.description, l.registration, l.date_of_birth
              from ersou.li_links l join ersou.li_incidents i on i.id = l.incident_id join ersou.li_entities e on e.id = l.entity_id
            """),
        await TestPostgres.RowsAsync(connectionString, "select kind, key, (select count(*) from ersou.li_entities e where e.id = k.entity_id) from ersou.li_entity_keys k"),
        await TestPostgres.RowsAsync(connectionString,
            """
            select m.kind, m.key, m.forces, m.case_id is null,
                   (select string_agg(i.force || '/' || i.force_reference, ',' order by i.force, i.force_reference)
                      from ersou.li_match_incidents mi join ersou.li_incidents i on i.id = mi.incident_id where mi.match_id = m.id)
              from ersou.li_matches m
            """),
        await TestPostgres.RowsAsync(connectionString, "select s.id, s.type, s.version, s.tenant_id, e.version, e.type, e.tenant_id, e.data->>'forceReference' from ersou.mt_streams s join ersou.mt_events e on e.stream_id = s.id"));

    internal static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>The import command run twice, with amendments, and with lines it must refuse.</summary>
public sealed class ImportCommandTests(ServiceFixture service) : IClassFixture<ServiceFixture>, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("ersou-import-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Importing_again_stores_nothing_twice_and_an_amended_line_amends()
    {
        var incidents = ImportingIncidentsTests.Generate(40, "AGAIN");
        var file = ImportingIncidentsTests.Write(folder, incidents);
        Assert.Equal(0, (await ImportingIncidentsTests.ImportAsync(service.Services, file)).Exit);
        var events = await ImportingIncidentsTests.ScalarAsync(service.ConnectionString, "select count(*) from ersou.mt_events");

        var (exit, output) = await ImportingIncidentsTests.ImportAsync(service.Services, file);
        Assert.True(exit == 0, output);
        Assert.Contains("40 incidents imported (0 new in bulk, 40 already stored", output, StringComparison.Ordinal);
        Assert.Equal(events, await ImportingIncidentsTests.ScalarAsync(service.ConnectionString, "select count(*) from ersou.mt_events"));

        var amended = incidents[0] with { Input = new Dictionary<string, object?>(incidents[0].Input) { ["summary"] = "Amended in a later load." } };
        Assert.Equal(0, (await ImportingIncidentsTests.ImportAsync(service.Services, ImportingIncidentsTests.Write(folder, [amended]))).Exit);
        Assert.Equal(events + 1, await ImportingIncidentsTests.ScalarAsync(service.ConnectionString, "select count(*) from ersou.mt_events"));
        Assert.Equal(2L, await ImportingIncidentsTests.ScalarAsync(service.ConnectionString, $"select version from ersou.li_incidents where force_reference = '{incidents[0].Input["forceReference"]}'"));
    }

    [Fact]
    public async Task Refused_lines_are_listed_by_number_without_their_content_and_the_rest_is_stored()
    {
        var good = AnIncident.Courier("IMPORT/GOOD/1", phones: ["07700 900555"]);
        var badNumber = AnIncident.Courier("IMPORT/BAD/2", phones: ["0770090"]);
        var noGrading = AnIncident.Courier("IMPORT/BAD/3");
        noGrading.Remove("grading");
        var noOffset = AnIncident.Courier("IMPORT/BAD/4", occurredAt: "not a time");
        var path = Path.Combine(folder, "mixed.ndjson");
        await File.WriteAllLinesAsync(path,
        [
            ImportingIncidentsTests.Line(Force.Essex, good),
            "{ this is not json",
            ImportingIncidentsTests.Line(Force.Essex, badNumber),
            JsonSerializer.Serialize(new { force = "KENT", input = good }),
            ImportingIncidentsTests.Line(Force.Essex, noGrading),
            ImportingIncidentsTests.Line(Force.Essex, noOffset),
            JsonSerializer.Serialize(new { force = "ESSEX", input = good, extra = 1 }),
        ]);

        var (exit, output) = await ImportingIncidentsTests.ImportAsync(service.Services, path);

        Assert.Equal(1, exit);
        Assert.Contains("import: line 2: BAD_USER_INPUT", output, StringComparison.Ordinal);
        Assert.Contains("import: line 3: INVALID_PHONE_NUMBER", output, StringComparison.Ordinal);
        Assert.Contains("import: line 4: BAD_USER_INPUT 'force' is not one of the six forces.", output, StringComparison.Ordinal);
        Assert.Contains("import: line 5: BAD_USER_INPUT Not a valid import line at $.input.grading: a required field is missing", output, StringComparison.Ordinal);
        Assert.Contains("import: line 6: BAD_USER_INPUT", output, StringComparison.Ordinal);
        Assert.Contains("import: line 7: BAD_USER_INPUT", output, StringComparison.Ordinal);
        Assert.Contains("1 incidents imported (1 new in bulk, 0 already stored", output, StringComparison.Ordinal);
        Assert.DoesNotContain("0770090", output, StringComparison.Ordinal);
        Assert.Equal(1L, await ImportingIncidentsTests.ScalarAsync(service.ConnectionString, "select count(*) from ersou.li_incidents where force_reference like 'IMPORT/%'"));
    }
}
