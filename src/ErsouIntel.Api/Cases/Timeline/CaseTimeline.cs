using ErsouIntel.Api.Access;
using ErsouIntel.Api.Cases.Reading;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Api.Incidents;
using ErsouIntel.Api.Matches;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Cases;
using ErsouIntel.Domain.Incidents;
using Marten;

namespace ErsouIntel.Api.Cases.Timeline;

public enum TimelineKind { CaseOpened, IncidentOccurred, IncidentAttached, IncidentAmended, IncidentRetracted, NoteAdded, MatchFound, CaseClosed }

/// <summary>One line of a case's timeline: <see cref="At"/> when it happened, <see cref="RecordedAt"/> when the service learnt it.</summary>
public sealed record TimelineEntry(DateTimeOffset At, DateTimeOffset RecordedAt, TimelineKind Kind, Force Force, string Summary, IncidentRow? Incident);

/// <summary>
/// A case's timeline, read from the event streams of the case and of its incidents, so that
/// <c>asOf</c> can answer as the service knew it then: only what was recorded by that moment,
/// each incident as its stream stood at that moment. Cases are small (tens of incidents), so the
/// timeline is assembled in memory and paged by position; the streams themselves are read by id.
/// </summary>
public sealed class CaseTimeline(IDocumentStore store, MatchQueries matches, Incidents.Reading.IncidentQueries incidents)
{
    public async Task<Connection<TimelineEntry>> ReadAsync(Viewer viewer, CaseRow @case, DateTimeOffset? asOf, int first, long? after, CancellationToken cancellation)
    {
        var known = asOf ?? DateTimeOffset.MaxValue;
        var entries = new List<TimelineEntry>();

        List<object> caseEvents;
        await using (var session = store.QuerySession(@case.LeadForce.TenantId()))
        {
            caseEvents = (await session.Events.FetchStreamAsync(@case.Id, token: cancellation)).Select(e => e.Data).Where(e => RecordedAt(e) <= known).ToList();
        }

        if (caseEvents.Count == 0)
        {
            return Connection.Page<TimelineEntry>([], false, after is not null);
        }

        var attached = caseEvents.OfType<IncidentAttachedToCase>().ToList();
        var visible = (await incidents.ByIdsAsync(viewer, attached.Select(a => a.IncidentId).ToList(), cancellation)).Select(r => r.Id).ToHashSet();

        foreach (var e in caseEvents)
        {
            switch (e)
            {
                case CaseOpened o:
                    entries.Add(new TimelineEntry(o.OpenedAt, o.OpenedAt, TimelineKind.CaseOpened, o.LeadForce, $"Case {o.Reference} opened by {o.LeadForce}: {o.Title}", null));
                    break;
                case CaseNoteAdded n:
                    entries.Add(new TimelineEntry(n.AddedAt, n.AddedAt, TimelineKind.NoteAdded, n.AddedByForce ?? @case.LeadForce, n.Text, null));
                    break;
                case CaseClosed c:
                    entries.Add(new TimelineEntry(c.ClosedAt, c.ClosedAt, TimelineKind.CaseClosed, @case.LeadForce, $"Case closed: {c.Reason}", null));
                    break;
            }
        }

        foreach (var a in attached)
        {
            var history = visible.Contains(a.IncidentId) ? await HistoryAsync(a.IncidentForce, a.IncidentId, known, cancellation) : [];
            var asKnown = history.Aggregate((Incident?)null, Incident.Evolve);
            var row = asKnown is null ? null : new IncidentRow(asKnown.Id, asKnown.Force, asKnown.ForceReference, asKnown.Details.Grading.Handling, asKnown.ReportedAt, asKnown.Retracted, asKnown.Version, asKnown.Details) { ShownTo = viewer };
            entries.Add(new TimelineEntry(a.AttachedAt, a.AttachedAt, TimelineKind.IncidentAttached, a.IncidentForce, $"{a.IncidentForce} incident {a.ForceReference} attached", row));
            if (row is null)
            {
                // Withheld from this viewer: the attachment (a pointer's worth) and nothing of the content.
                continue;
            }

            foreach (var e in history)
            {
                switch (e)
                {
                    case IncidentReported r:
                        entries.Add(new TimelineEntry(row.Details.OccurredAt, r.ReportedAt, TimelineKind.IncidentOccurred, row.Force, Describe(row), row));
                        break;
                    case IncidentAmended m:
                        entries.Add(new TimelineEntry(m.AmendedAt, m.AmendedAt, TimelineKind.IncidentAmended, row.Force, $"{row.Force} incident {row.ForceReference} amended", row));
                        break;
                    case IncidentRetracted t:
                        entries.Add(new TimelineEntry(t.RetractedAt, t.RetractedAt, TimelineKind.IncidentRetracted, row.Force, $"{row.Force} incident {row.ForceReference} retracted: {t.Reason}", row));
                        break;
                }
            }
        }

        foreach (var match in await matches.OnCaseAsync(@case.Id, cancellation))
        {
            if (match.DetectedAt <= known)
            {
                entries.Add(new TimelineEntry(match.DetectedAt, match.DetectedAt, TimelineKind.MatchFound, @case.LeadForce,
                    $"A new incident shares {Words(match.Kind)} with this case ({string.Join(", ", match.Forces)})", null));
            }
        }

        var ordered = entries.OrderBy(e => e.At).ThenBy(e => e.RecordedAt).ThenBy(e => e.Kind).ToList();
        var start = (int)Math.Min(after is { } position ? position + 1 : 0, ordered.Count);
        var page = ordered.Skip(start).Take(first).Select((e, i) => new Edge<TimelineEntry>(e, Paging.Cursor(start + i))).ToList();
        return Connection.Page(page, start + page.Count < ordered.Count, after is not null);
    }

    private async Task<IReadOnlyList<object>> HistoryAsync(Force force, Guid incidentId, DateTimeOffset known, CancellationToken cancellation)
    {
        await using var session = store.QuerySession(force.TenantId());
        var events = await session.Events.FetchStreamAsync(incidentId, token: cancellation);
        return events.Select(e => e.Data).Where(e => RecordedAt(e) <= known).ToList();
    }

    private static string Describe(IncidentRow row)
    {
        var what = $"{Words(row.Details.Category)} reported by {row.Force} as {row.ForceReference}";
        return row.Details.Summary is { } summary ? $"{what}: {summary}" : what;
    }

    // Summaries are read by people: the words an investigator would write, not the schema's enum names
    // (a force is named as it names itself, "Essex"; a category in sentence case).
    private static string Words(IncidentCategory category) => category switch
    {
        IncidentCategory.CourierFraud => "Courier fraud",
        IncidentCategory.ImpersonationFraud => "Impersonation fraud",
        IncidentCategory.OtherFraud => "Other fraud",
        _ => "Other incident",
    };

    private static string Words(MatchKind kind) => kind switch
    {
        MatchKind.PhoneNumber => "a phone number",
        MatchKind.Vehicle => "a vehicle",
        MatchKind.Courier => "a courier",
        _ => "a suspect",
    };

    /// <summary>When the service learnt of an event: the time its command was handled, carried in the event.</summary>
    private static DateTimeOffset RecordedAt(object e) => e switch
    {
        IncidentReported r => r.ReportedAt,
        IncidentAmended a => a.AmendedAt,
        IncidentRetracted t => t.RetractedAt,
        CaseOpened o => o.OpenedAt,
        IncidentAttachedToCase a => a.AttachedAt,
        CaseNoteAdded n => n.AddedAt,
        CaseMemberAdded m => m.AddedAt,
        CaseClosed c => c.ClosedAt,
        _ => DateTimeOffset.MaxValue,
    };
}
