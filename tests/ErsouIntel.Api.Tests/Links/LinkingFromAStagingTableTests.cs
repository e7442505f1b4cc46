using System.Text.Json;
using ErsouIntel.Api.Links;
using ErsouIntel.Api.Storage;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Incidents;
using Npgsql;
using NpgsqlTypes;

namespace ErsouIntel.Api.Tests.Links;

/// <summary>
/// The linking path fed from a table, as a load that COPYs into staging would feed it (docs/link-graph.md,
/// "Feeding it from another set"), makes what the same incidents pushed as events make.
/// </summary>
public sealed class LinkingFromAStagingTableTests(EmptyLinkGraph graph) : IClassFixture<EmptyLinkGraph>
{
    private const string Table =
        "create temp table staged_incidents(line integer, id uuid, force text, force_reference text, recorded_at timestamptz, details jsonb, couriers jsonb, suspects jsonb)";

    private const string Staging = """
        insert into staged_incidents
        select n, (p->>'id')::uuid, p->>'force', p->>'forceReference', (p->>'recordedAt')::timestamptz, p->'details', p->'couriers', p->'suspects'
          from jsonb_array_elements($1) with ordinality x(p, n);
        """;

    // As docs/link-graph.md writes it.
    private const string Link = """
        SELECT ersou.li_apply_incidents(jsonb_agg(jsonb_build_object(
                 'id', s.id, 'force', s.force, 'forceReference', s.force_reference, 'version', 1,
                 'recordedAt', s.recorded_at, 'details', s.details, 'couriers', s.couriers, 'suspects', s.suspects)
                 ORDER BY s.line))
          FROM staged_incidents s
         WHERE s.line > $1 AND s.line <= $2;
        """;

    private static IncidentDetails Carrying(string number) =>
        LinkGraphStore.Details([number], [LinkGraphStore.Courier("Cy Ward", "CW11AAA")]);

    [Fact]
    public async Task Incidents_linked_from_a_staging_table_make_the_rows_the_same_incidents_pushed_as_events_make()
    {
        await graph.ReportsAsync(Force.Essex, "EX/P/1", Carrying("+447700900801"));
        await graph.ReportsAsync(Force.Norfolk, "NK/P/1", Carrying("+447700900801"));

        var staged = new[] { (Force.Essex, "EX/T/1"), (Force.Norfolk, "NK/T/1") }
            .Select(s => LinkGraphProjection.PayloadOf(Incident.IdFor(s.Item1, s.Item2), s.Item1, s.Item2, Carrying("+447700900802"), 1, LinkGraphStore.Now))
            .ToList();
        await using (var connection = new NpgsqlConnection(graph.ConnectionString))
        {
            await connection.OpenAsync();
            await using (var table = new NpgsqlCommand(Table, connection))
            {
                await table.ExecuteNonQueryAsync();
            }

            await using (var stage = new NpgsqlCommand(Staging, connection))
            {
                stage.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(staged, ReadModelJson.Options), NpgsqlDbType = NpgsqlDbType.Jsonb });
                await stage.ExecuteNonQueryAsync();
            }

            // A slice at a time, as a load would: the second incident on its own, after the first.
            foreach (var (from, to) in new[] { (0, 1), (1, 2) })
            {
                await using var link = new NpgsqlCommand(Link, connection);
                link.Parameters.AddWithValue(from);
                link.Parameters.AddWithValue(to);
                await link.ExecuteNonQueryAsync();
            }
        }

        Assert.Equal(
            (await graph.MatchesOfAsync("PHONE", "+447700900801")).Select(m => m.Replace("801", "802", StringComparison.Ordinal).Replace("/P/", "/T/", StringComparison.Ordinal)),
            await graph.MatchesOfAsync("PHONE", "+447700900802"));
        Assert.Equal(await LinksAsync("P"), await LinksAsync("T"));
    }

    private Task<List<string>> LinksAsync(string series) => TestPostgres.RowsAsync(graph.ConnectionString, $"""
        select i.force, i.handling, i.category, i.version, l.kind, l.ordinal, e.kind, replace(replace(e.key, '801', '80x'), '802', '80x'), l.name, l.registration
          from ersou.li_incidents i join ersou.li_links l on l.incident_id = i.id join ersou.li_entities e on e.id = l.entity_id
         where i.force_reference like '%/{series}/%'
        """);
}
