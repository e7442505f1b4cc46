using System.Text.Json;
using ErsouIntel.Api.Storage;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Cases;
using ErsouIntel.Domain.Incidents;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace ErsouIntel.Api.Links;

/// <summary>
/// Keeps the cross-force read model (<see cref="LinkGraphSchema"/>) current. Inline (the default)
/// its SQL is queued into the same transaction as the events, so an acknowledged push is already
/// linked and matched; with <c>LinkGraph:Apply=Daemon</c> the same mapping runs on the async
/// daemon's pages of events (<see cref="LinkGraphSubscription"/>). The incident events of a push become one call of a database function; the
/// entity resolution and match detection happen there, next to the indexes they read.
/// Every statement is idempotent: applying an event a second time changes nothing (an incident's
/// stored version, a case's version and the primary keys guard it), so a batch replayed after a
/// crash, or applied where its progress is not kept in the same transaction, does no harm.
/// </summary>
/// <param name="setAsideDuplicates">Daemon mode: a case opened with a reference already taken is set aside
/// (<c>li_dead_letters</c>) instead of failing the batch; inline the failure refuses the opening.</param>
public sealed class LinkGraphProjection(bool setAsideDuplicates = false) : IProjection
{
    /// <summary>The daemon's name for it (<see cref="LinkGraphSubscription"/>): its position is row <c>LinkGraph:All</c> in <c>ersou.mt_event_progression</c>.</summary>
    public const string Name = "LinkGraph";

    /// <summary>The daemon's shard, as <c>mt_event_progression</c> names it.</summary>
    public const string Shard = Name + ":All";

    /// <summary>Every table the projection writes, emptied before a rebuild.</summary>
    public static readonly string[] Tables =
    [
        "li_match_incidents", "li_matches", "li_case_incidents", "li_case_members", "li_cases",
        "li_links", "li_entity_keys", "li_entities", "li_incidents", "li_dead_letters",
    ];

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        foreach (var (sql, values) in Statements(events))
        {
            operations.QueueSqlCommand(sql, values);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The mapping itself, pure: the statements (Marten's <c>?</c> placeholders) that bring the graph up
    /// to these events, in order. Inline and the daemon's subscription queue them on their session; with
    /// a database per force <see cref="RegionLinkGraph"/> runs them on the region's.
    /// </summary>
    public IReadOnlyList<(string Sql, object[] Values)> Statements(IReadOnlyList<IEvent> events)
    {
        var statements = new List<(string Sql, object[] Values)>();
        void Queue(string sql, params object[] values) => statements.Add((sql, values));

        // Consecutive reports and amendments go to the database as one call, in order: their nodes are
        // made in one global order, their links set-based, and the matches of the entities they share
        // worked out once each, in one lock order (li_apply_incidents).
        var applies = new List<object>();
        void Apply()
        {
            if (applies.Count > 0)
            {
                Queue("select ersou.li_apply_incidents(?::jsonb)", JsonSerializer.Serialize(applies, ReadModelJson.Options));
                applies.Clear();
            }
        }

        void Touch(Guid caseId, IEvent @event) =>
            Queue("update ersou.li_cases set version = ? where id = ? and version < ?", (int)@event.Version, caseId, (int)@event.Version);

        foreach (var @event in events)
        {
            switch (@event.Data)
            {
                case IncidentReported e:
                    applies.Add(PayloadOf(e.IncidentId, e.Force, e.ForceReference, e.Details, @event.Version, e.ReportedAt));
                    continue;
                case IncidentAmended e:
                    applies.Add(PayloadOf(e.IncidentId, Forces.FromTenantId(@event.TenantId), null, e.Details, @event.Version, e.AmendedAt));
                    continue;
            }

            Apply();
            switch (@event.Data)
            {
                case IncidentRetracted e:
                    Queue("select ersou.li_retract_incident(?, ?, ?)", e.IncidentId, (int)@event.Version, e.RetractedAt);
                    break;
                case CaseOpened e:
                    Queue(
                        "select ersou.li_open_case(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        e.CaseId, e.Reference, e.Title, (object?)e.OperationName ?? DBNull.Value, e.LeadForce.TenantId(), e.OpenedAt, (int)@event.Version, e.OpenedBy, setAsideDuplicates);
                    break;
                case IncidentAttachedToCase e:
                    Queue("insert into ersou.li_case_incidents(case_id, incident_id, attached_at) values (?, ?, ?) on conflict do nothing", e.CaseId, e.IncidentId, e.AttachedAt);
                    Touch(e.CaseId, @event);
                    break;
                case CaseMemberAdded e:
                    Queue("insert into ersou.li_case_members(case_id, subject) values (?, ?) on conflict do nothing", e.CaseId, e.Username);
                    Touch(e.CaseId, @event);
                    break;
                case CaseNoteAdded e:
                    Touch(e.CaseId, @event);
                    break;
                case CaseClosed e:
                    Queue("update ersou.li_cases set status = 'CLOSED', version = ? where id = ? and version < ?", (int)@event.Version, e.CaseId, (int)@event.Version);
                    break;
            }
        }

        Apply();
        return statements;
    }

    /// <summary>One incident as <c>ersou.li_apply_incidents</c> takes it (the import passes its batches the same way).</summary>
    internal static object PayloadOf(Guid id, Force force, string? forceReference, IncidentDetails details, long version, DateTimeOffset recordedAt) =>
        new
        {
            id,
            force = force.TenantId(),
            forceReference,
            version,
            recordedAt,
            details,
            couriers = details.Couriers.Select(c => new { keys = c.IdentityKeys, c.Name, c.Description, registration = c.VehicleRegistration, c.DateOfBirth }),
            suspects = details.Suspects.Select(s => new { keys = s.IdentityKeys, s.Name, s.DateOfBirth }),
        };
}
