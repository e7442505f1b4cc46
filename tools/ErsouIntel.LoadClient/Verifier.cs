using System.Globalization;
using ErsouIntel.Api.Audit.Verifying;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Incidents;
using Npgsql;

namespace ErsouIntel.LoadClient;

public sealed record VerifyOptions(string ConnectionString, string AckFile, TimeSpan Settle);

/// <summary>One line of the verification table: what was checked, the figure, and whether it passed (null: a figure, not a check).</summary>
public sealed record Check(string What, string Figure, bool? Passed);

/// <summary>
/// <c>verify</c>: reads PostgreSQL directly and holds the service to what it acknowledged.
/// Every acknowledged reference is stored exactly once as an incident stream; nothing is stored
/// twice; the link graph (<c>li_incidents</c>) holds every stream at its version; the matches are
/// what the links say they should be; the access-log chain is whole, by the service's own
/// verifier and by a recomputation from docs/security.md; every acknowledged incident is named in
/// the log.
/// </summary>
public static class Verifier
{
    public static async Task<int> RunAsync(VerifyOptions options, TextWriter output, CancellationToken cancellation)
    {
        var (acknowledged, ackLines, outcomes) = AckFile.Read(options.AckFile);
        await using var db = new NpgsqlDataSourceBuilder(options.ConnectionString).Build();
        var settleUntil = DateTimeOffset.UtcNow + options.Settle;
        List<Check> checks;
        while (true)
        {
            checks = await CheckAsync(db, acknowledged, ackLines, outcomes, cancellation);
            // The link graph is written with the events, so there is nothing to wait for; if that ever
            // changes, give it the settle time before calling it behind.
            if (checks.All(c => c.Passed != false) || DateTimeOffset.UtcNow >= settleUntil)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(2), cancellation);
        }

        var database = new NpgsqlConnectionStringBuilder(options.ConnectionString).Database;
        await output.WriteLineAsync($"verify: database '{database}', acknowledgements from {options.AckFile}");
        await output.WriteLineAsync();
        await Table.WriteAsync(output, checks);
        var failed = checks.Count(c => c.Passed == false);
        await output.WriteLineAsync();
        await output.WriteLineAsync(failed == 0 ? "verify: PASS, every check held." : $"verify: FAIL, {failed} check(s) did not hold.");
        return failed == 0 ? 0 : 1;
    }

    private static async Task<List<Check>> CheckAsync(NpgsqlDataSource db, HashSet<(string Force, string Reference)> acknowledged, int ackLines, Dictionary<string, int> outcomes, CancellationToken cancellation)
    {
        var checks = new List<Check>();
        static string N(long n) => n.ToString(CultureInfo.InvariantCulture);

        // 1. The incident streams: one IncidentReported per stream, the stream id the service's id for (force, reference).
        var reported = new List<(string Tenant, Guid Stream, string Reference, long Version)>();
        await using (var command = db.CreateCommand(
            """
            select e.tenant_id, e.stream_id, coalesce(e.data->>'forceReference', e.data->>'ForceReference'), s.version
              from ersou.mt_events e
              join ersou.mt_streams s on s.tenant_id = e.tenant_id and s.id = e.stream_id
             where e.type = 'incident_reported'
            """))
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                reported.Add((reader.GetString(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt64(3)));
            }
        }

        var byReference = reported.GroupBy(r => (r.Tenant, r.Reference)).ToDictionary(g => g.Key, g => g.ToList());
        var streams = reported.Select(r => (r.Tenant, r.Stream)).Distinct().Count();
        var lost = acknowledged.Count(a => !byReference.ContainsKey((a.Force, a.Reference)));
        var duplicated = byReference.Count(g => g.Value.Count > 1);
        var notAcknowledged = byReference.Keys.Count(k => !acknowledged.Contains((k.Tenant, k.Reference)));
        var wrongIds = reported.Count(r => !Forces.TryParse(r.Tenant, out var force) || Incident.IdFor(force, r.Reference) != r.Stream);
        checks.Add(new("acknowledged references (distinct; lines in the ack file)", $"{N(acknowledged.Count)} ({N(ackLines)} lines)", null));
        checks.Add(new("acknowledged CREATED / UNCHANGED (resent after a lost answer) / AMENDED",
            $"{N(outcomes.GetValueOrDefault("CREATED"))} / {N(outcomes.GetValueOrDefault("UNCHANGED"))} / {N(outcomes.GetValueOrDefault("AMENDED"))}", null));
        checks.Add(new("incident streams stored (incident_reported events)", $"{N(streams)} ({N(reported.Count)} events)", null));
        checks.Add(new("lost: acknowledged but not stored", N(lost), lost == 0));
        checks.Add(new("duplicated: a reference reported in more than one event", N(duplicated), duplicated == 0));
        checks.Add(new("stream id is the service's id for (force, reference)", $"{N(reported.Count - wrongIds)}/{N(reported.Count)}", wrongIds == 0));
        checks.Add(new("stored but never acknowledged (client gave up)", N(notAcknowledged), null));

        // 2. The link graph caught up: one li_incidents row per stream, at the stream's version.
        var graph = new Dictionary<Guid, (string Force, string Reference, int Version)>();
        await using (var command = db.CreateCommand("select id, force, force_reference, version from ersou.li_incidents"))
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                graph[reader.GetGuid(0)] = (reader.GetString(1), reader.GetString(2), reader.GetInt32(3));
            }
        }

        var streamVersions = reported.GroupBy(r => r.Stream).ToDictionary(g => g.Key, g => g.First());
        var missingRows = streamVersions.Keys.Count(id => !graph.ContainsKey(id));
        var behind = streamVersions.Count(s => graph.TryGetValue(s.Key, out var row) && (row.Version != s.Value.Version || row.Force != s.Value.Tenant || row.Reference != s.Value.Reference));
        var strays = graph.Keys.Count(id => !streamVersions.ContainsKey(id));
        checks.Add(new("link graph rows (li_incidents) = incident streams", $"{N(graph.Count)} = {N(streamVersions.Count)}", graph.Count == streamVersions.Count));
        checks.Add(new("streams missing from the link graph", N(missingRows), missingRows == 0));
        checks.Add(new("link graph rows not at their stream's version (or force, reference)", N(behind), behind == 0));
        checks.Add(new("link graph rows without a stream", N(strays), strays == 0));

        // 3. Matches: every entity linked to incidents of two or more forces has its match, with those forces and those incidents.
        await using (var command = db.CreateCommand(
            """
            with spans as (
              select l.entity_id, array_agg(distinct i.force::text order by i.force::text) as forces
                from ersou.li_links l join ersou.li_incidents i on i.id = l.incident_id
               group by l.entity_id
              having count(distinct i.force) >= 2),
            expected as (select md5('MATCH|' || entity_id::text)::uuid as id, entity_id, forces from spans),
            found as (select id, entity_id, forces from ersou.li_matches where case_id is null),
            expected_incidents as (
              select distinct e.id as match_id, l.incident_id from expected e join ersou.li_links l on l.entity_id = e.entity_id),
            found_incidents as (
              select mi.match_id, mi.incident_id from ersou.li_match_incidents mi join found f on f.id = mi.match_id)
            select (select count(*) from expected),
                   (select count(*) from found),
                   (select count(*) from expected e where not exists (select 1 from found f where f.id = e.id)),
                   (select count(*) from found f where not exists (select 1 from expected e where e.id = f.id)),
                   (select count(*) from expected e join found f on f.id = e.id where f.forces is distinct from e.forces or f.entity_id <> e.entity_id),
                   (select count(*) from expected_incidents),
                   (select count(*) from (select * from expected_incidents except select * from found_incidents) x),
                   (select count(*) from (select * from found_incidents except select * from expected_incidents) y)
            """))
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            await reader.ReadAsync(cancellation);
            var expected = reader.GetInt64(0);
            var found = reader.GetInt64(1);
            var missing = reader.GetInt64(2);
            var extra = reader.GetInt64(3);
            var wrongForces = reader.GetInt64(4);
            var expectedIncidents = reader.GetInt64(5);
            var missingIncidents = reader.GetInt64(6);
            var extraIncidents = reader.GetInt64(7);
            checks.Add(new("matches expected (entities linked to 2+ forces) / found", $"{N(expected)} / {N(found)}", expected == found));
            checks.Add(new("matches missing / not expected", $"{N(missing)} / {N(extra)}", missing == 0 && extra == 0));
            checks.Add(new("matches whose forces differ from their links'", N(wrongForces), wrongForces == 0));
            checks.Add(new("match incident rows expected; missing / not expected", $"{N(expectedIncidents)}; {N(missingIncidents)} / {N(extraIncidents)}", missingIncidents == 0 && extraIncidents == 0));
        }

        await using (var command = db.CreateCommand("select to_regclass('ersou.li_dead_letters') is not null"))
        {
            if (await command.ExecuteScalarAsync(cancellation) is true)
            {
                await using var count = db.CreateCommand("select count(*) from ersou.li_dead_letters");
                var deadLetters = (long)(await count.ExecuteScalarAsync(cancellation))!;
                checks.Add(new("events set aside by the projection (li_dead_letters)", N(deadLetters), deadLetters == 0));
            }
        }

        // 4. The access log: the chain, twice; and every acknowledged incident named in a write entry.
        var service = await new AccessLogVerifier(db).VerifyAsync(cancellation);
        var recomputed = await ChainRecomputation.VerifyAsync(db, cancellation);
        checks.Add(new("access-log entries checked", N(service.EntriesChecked), null));
        checks.Add(new("chain valid (the service's AccessLogVerifier)", service.Valid ? "yes" : $"no, first invalid {service.FirstInvalidSequence}", service.Valid));
        checks.Add(new("chain valid (recomputed from docs/security.md)", recomputed.Valid ? $"yes ({N(recomputed.EntriesChecked)} entries)" : $"no, first invalid {recomputed.FirstInvalidSequence}", recomputed.Valid && recomputed.EntriesChecked == service.EntriesChecked));

        var logged = new HashSet<Guid>();
        await using (var command = db.CreateCommand(
            """
            select distinct (r->>'id')::uuid
              from ersou.access_log l cross join lateral jsonb_array_elements(l.records) r
             where l.kind in ('COLLECTION', 'ALTERATION') and r->>'type' = 'Incident'
            """))
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                logged.Add(reader.GetGuid(0));
            }
        }

        var acknowledgedIds = acknowledged.Where(a => Forces.TryParse(a.Force, out _)).Select(a => Incident.IdFor(Forces.FromTenantId(a.Force), a.Reference)).ToList();
        var unlogged = acknowledgedIds.Count(id => !logged.Contains(id));
        var storedUnlogged = streamVersions.Keys.Count(id => !logged.Contains(id));
        checks.Add(new("acknowledged incidents named in a COLLECTION/ALTERATION entry", $"{N(acknowledgedIds.Count - unlogged)}/{N(acknowledgedIds.Count)}", unlogged == 0));
        checks.Add(new("stored incidents never named in the log", N(storedUnlogged), null));
        return checks;
    }
}

/// <summary>Prints the checks as a Markdown table, which reads as well in a terminal as in docs.</summary>
public static class Table
{
    public static async Task WriteAsync(TextWriter output, IReadOnlyList<Check> checks)
    {
        var what = Math.Max("check".Length, checks.Max(c => c.What.Length));
        var figure = Math.Max("figure".Length, checks.Max(c => c.Figure.Length));
        await output.WriteLineAsync($"| {"check".PadRight(what)} | {"figure".PadLeft(figure)} | result |");
        await output.WriteLineAsync($"| {new string('-', what)} | {new string('-', figure - 1)}: | ------ |");
        foreach (var c in checks)
        {
            var result = c.Passed switch { true => "ok", false => "FAIL", null => "" };
            await output.WriteLineAsync($"| {c.What.PadRight(what)} | {c.Figure.PadLeft(figure)} | {result,-6} |");
        }
    }
}
