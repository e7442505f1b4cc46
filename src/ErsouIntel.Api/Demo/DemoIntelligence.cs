using ErsouIntel.Api.Access;
using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Audit.Writing;
using ErsouIntel.Api.Cases.Reading;
using ErsouIntel.Api.Cases.Working;
using ErsouIntel.Api.Identity;
using ErsouIntel.Api.Incidents.Reading;
using ErsouIntel.Api.Incidents.Reporting;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Incidents;
using Npgsql;

namespace ErsouIntel.Api.Demo;

/// <summary>
/// Something to look at in the Development environment: the news report's incidents, a few hundred
/// made-up ones across the region and an open case, written once after the demo accounts. Everything
/// goes through the service's own domain path (the reporting and case work behind <c>reportIncidents</c>
/// and <c>openCase</c>), so the read model, the link graph and the access log hold it exactly as if
/// the forces' systems and an investigator had sent it; the log names this seed as the client.
/// </summary>
public static class DemoIntelligence
{
    public const string CaseReference = "ERSOU-OP-DOORSTEP";
    public const string CaseTitle = "Boiler-room courier fraud across the region";
    public const string ClientId = "development-seed";

    private const string Operation = "DemoIntelligence";
    private const string Justification = "Demo data for the Development environment";
    private const int Batch = 100;

    public static async Task RunAsync(IServiceProvider services, TextWriter log, CancellationToken cancellation = default)
    {
        // The case is written last: once it is there, so is everything before it.
        if (await CaseExistsAsync(services.GetRequiredService<NpgsqlDataSource>(), cancellation))
        {
            return;
        }

        var reporting = services.GetRequiredService<IncidentReporting>();
        var writer = services.GetRequiredService<AccessLogWriter>();
        var reported = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var group in DemoScenario.Reports.Concat([DemoScenario.EssexCallback]).Concat(DemoIncidents.Generate())
            .Select((r, i) => (r.Force, r.Report, Index: i)).GroupBy(r => (r.Force, Block: r.Index / Batch)))
        {
            foreach (var (reference, id) in await ReportAsync(reporting, writer, group.Key.Force, [.. group.Select(g => g.Report)], cancellation))
            {
                reported[reference] = id;
            }
        }

        await OpenTheCaseAsync(services.GetRequiredService<CaseWork>(), writer, reported, cancellation);
        await log.WriteLineAsync($"Development: seeded demo intelligence ({reported.Count} incidents, case {CaseReference}); search for {DemoScenario.BoilerRoom}.");
    }

    private static async Task<bool> CaseExistsAsync(NpgsqlDataSource db, CancellationToken cancellation)
    {
        await using var check = db.CreateCommand("select 1 from ersou.li_cases where lead_force = $1 and reference = $2");
        check.Parameters.AddWithValue(Force.Essex.TenantId());
        check.Parameters.AddWithValue(CaseReference);
        return await check.ExecuteScalarAsync(cancellation) is not null;
    }

    /// <summary>One push by a force's system, logged as <c>reportIncidents</c> logs it: a COLLECTION or ALTERATION per record written.</summary>
    private static async Task<IEnumerable<(string Reference, Guid Id)>> ReportAsync(IncidentReporting reporting, AccessLogWriter writer, Force force, IReadOnlyList<IncidentReport> reports, CancellationToken cancellation)
    {
        var system = new Caller($"{force.TenantId().ToLowerInvariant()}-system", force, [Roles.ForceSystem], [Roles.WriteScope], ClientId);
        var audit = new RequestAudit();
        var results = await reporting.ReportAsync(force, system.Actor, reports, cancellation);
        var refused = results.Select((r, i) => (r, i)).Where(x => x.r.Errors.Count > 0).Select(x => $"{reports[x.i].ForceReference}: {x.r.Errors[0].Message}").ToList();
        if (refused.Count > 0)
        {
            // The seed's own data is wrong: say which record and why rather than start with half of it.
            throw new InvalidOperationException("The demo intelligence was refused: " + string.Join("; ", refused));
        }

        foreach (var result in results.Where(r => r.Outcome is ReportOutcome.Created or ReportOutcome.Amended))
        {
            audit.Changed(result.Outcome == ReportOutcome.Amended ? AccessKind.Alteration : AccessKind.Collection, IncidentQueries.RecordType, result.IncidentId!.Value, force);
        }

        await writer.WriteAsync(audit, system, Operation, cancellation);
        return results.Select((r, i) => (reports[i].ForceReference, r.IncidentId!.Value));
    }

    /// <summary>Essex leads a case on the boiler room, with the Essex and Hertfordshire incidents attached and two notes.</summary>
    private static async Task OpenTheCaseAsync(CaseWork work, AccessLogWriter writer, Dictionary<string, Guid> incidents, CancellationToken cancellation)
    {
        var investigator = new Caller("essex.investigator", Force.Essex, [Roles.Investigator], [Roles.ReadScope], ClientId);
        var actor = investigator.Actor;
        var opened = await work.OpenAsync(actor, CaseReference, CaseTitle, "Operation Doorstep", Purpose.Investigation, Justification, cancellation);
        var caseId = Written(opened);
        await LogAsync(writer, investigator, opened, AccessKind.Collection, cancellation);
        foreach (var reference in new[] { "EX-24-7781", "HC/2024/0311" })
        {
            var attached = await work.AttachAsync(actor, caseId, incidents[reference], null, null, cancellation);
            Written(attached);
            await LogAsync(writer, investigator, attached, AccessKind.Combination, cancellation);
        }

        foreach (var note in new[]
        {
            "The Chelmsford victim's callback number is the boiler room Hertfordshire saw in Oxhey and Rickmansworth.",
            "Jay Holt (PNC 21/334455J) collected in Oxhey and Chelmsford, in KX21 ABC and YR19 XYZ: ask Hertfordshire for ANPR on both.",
        })
        {
            var noted = await work.AddNoteAsync(actor, caseId, note, null, null, cancellation);
            Written(noted);
            await LogAsync(writer, investigator, noted, AccessKind.Alteration, cancellation);
        }
    }

    private static Guid Written(CaseChange change) => change.Errors.Count == 0 && change.CaseId is { } id
        ? id
        : throw new InvalidOperationException("The demo case was refused: " + string.Join("; ", change.Errors.Select(e => e.Message)));

    /// <summary>The entries <c>CaseChangeResolver</c> notes for the same change: the case, and an attached incident.</summary>
    private static async Task LogAsync(AccessLogWriter writer, Caller investigator, CaseChange change, AccessKind kind, CancellationToken cancellation)
    {
        var audit = new RequestAudit();
        audit.Changed(kind, CaseQueries.RecordType, change.CaseId!.Value, investigator.Force, change.Purpose, change.Justification);
        if (change.Combined is { } incident)
        {
            audit.Changed(AccessKind.Combination, IncidentQueries.RecordType, incident.Id, incident.Force, change.Purpose, change.Justification);
        }

        await writer.WriteAsync(audit, investigator, Operation, cancellation);
    }
}
