using ErsouIntel.Api.Access;
using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Audit.Writing;
using ErsouIntel.Api.Identity;
using ErsouIntel.Api.Incidents.Reading;
using ErsouIntel.Api.Links;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Common;

namespace ErsouIntel.Api.WebConsole;

/// <summary>
/// <c>POST /console/exports</c>: the page writes a file of records (the chart as CSV or PNG) only after
/// this has put one DISCLOSURE entry in the access log naming every record in it, with each record's real
/// owning forces as the service knows them (never as the page says), the purpose and the justification.
/// Only an investigator may export, and only records they may see: one record they may not, and nothing
/// is logged and no file is made.
/// </summary>
public static class ConsoleExports
{
    public const int MaxRecords = 1000;

    public static IEndpointRouteBuilder MapConsoleExports(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/console/exports", async (HttpContext http, ExportableRecords exportable, RecordOwners owners, AccessLogWriter log) =>
        {
            await ConsoleSession.AsConsoleAsync(http);
            if (Caller.From(http.User) is not { } caller)
            {
                return ConsoleSession.Error(StatusCodes.Status401Unauthorized, "Your session has ended: sign in again.");
            }

            if (!await ConsoleAntiforgery.IsValidAsync(http))
            {
                return ConsoleSession.Error(StatusCodes.Status400BadRequest, "This request did not carry the console's anti-forgery token.");
            }

            if (!caller.IsInRole(Roles.Investigator) || !caller.HasScope(Roles.ReadScope) || caller.Force is not { } force)
            {
                return ConsoleSession.Error(StatusCodes.Status403Forbidden, "Only investigators export records.");
            }

            var (export, problem) = Check(await ConsoleSession.ReadAsync<ExportRequest>(http));
            if (export is null)
            {
                return ConsoleSession.Error(StatusCodes.Status400BadRequest, problem!);
            }

            var cancellation = http.RequestAborted;
            var viewer = new Viewer(force, caller.Subject, SharedRecords: true, Scope: null);
            if (await exportable.FirstUnseenAsync(viewer, export.Records, cancellation) is { } unseen)
            {
                return ConsoleSession.Error(StatusCodes.Status400BadRequest, $"The {unseen.Type} {unseen.Id} is not one you may see, so the export was not made.");
            }

            var named = new List<LoggedRecord>();
            foreach (var (type, id) in export.Records.Distinct())
            {
                // A pointer is owned as its incident is; the log names it as the pointer it was shown as.
                var ownedAs = type == RecordPointer.RecordType ? IncidentQueries.RecordType : type;
                named.AddRange((await owners.NamedAsync(ownedAs, id.ToString("D"), cancellation)).Select(r => r with { Type = type }));
            }

            // The writer's own way of naming, ordering and chaining entries: one DISCLOSURE for this reason.
            var audit = new RequestAudit();
            foreach (var record in named)
            {
                audit.Changed(AccessKind.Disclosure, record.Type, Guid.Parse(record.Id), record.Force, export.Purpose, export.Justification);
            }

            await log.WriteAsync(audit, caller, "Export " + export.Format, CancellationToken.None);
            return Results.NoContent();
        });
        return endpoints;
    }

    /// <summary>The request as the log will name it, or the sentence that says what is wrong with it.</summary>
    private static (ValidExport? Export, string? Problem) Check(ExportRequest? request)
    {
        const string Shape = "Send {\"format\": \"CSV\"|\"PNG\", \"purpose\", \"justification\", \"records\": [{\"type\", \"id\"}]} as JSON.";
        if (request is null)
        {
            return (null, Shape);
        }

        if (request.Format is not ("CSV" or "PNG"))
        {
            return (null, "The format is CSV or PNG.");
        }

        // The GraphQL enum's names (INTELLIGENCE_DEVELOPMENT), as the page has them from the contract's operations.
        var purposeName = (request.Purpose ?? "").Replace("_", "", StringComparison.Ordinal);
        if (!purposeName.All(char.IsAsciiLetter) || !Enum.TryParse<Purpose>(purposeName, ignoreCase: true, out var purpose))
        {
            return (null, "The purpose is one of INVESTIGATION, INTELLIGENCE_DEVELOPMENT, SAFEGUARDING, PROSECUTION.");
        }

        var (justification, _, problem) = Justification.Check(request.Justification ?? "");
        if (justification is null)
        {
            return (null, problem ?? $"A justification of {Justification.Min} to {Justification.Max} characters is required.");
        }

        if (request.Records is not { Count: > 0 and <= MaxRecords } records)
        {
            return (null, $"An export names 1 to {MaxRecords} records.");
        }

        var parsed = new List<(string Type, Guid Id)>(records.Count);
        foreach (var record in records)
        {
            if (record?.Type is not { } type || !ExportableRecords.Types.Contains(type) || !Guid.TryParse(record.Id, out var id))
            {
                return (null, $"Each record is {{\"type\", \"id\"}} with a type of {string.Join(", ", ExportableRecords.Types)} and a uuid id.");
            }

            parsed.Add((type, id));
        }

        return (new ValidExport(request.Format, purpose, justification, parsed), null);
    }

    private sealed record ExportRequest(string? Format, string? Purpose, string? Justification, List<ExportedRecord?>? Records);

    private sealed record ExportedRecord(string? Type, string? Id);

    private sealed record ValidExport(string Format, Purpose Purpose, string Justification, IReadOnlyList<(string Type, Guid Id)> Records);
}
