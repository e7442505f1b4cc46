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
/// Keeps the cross-force read model (<see cref="LinkGraphSchema"/>) current. Runs inline: its SQL
/// is queued into the same transaction as the events, so an acknowledged push is already linked
/// and matched. The incident events of a push become one call of a database function; the entity
/// resolution and match detection happen there, next to the indexes they read.
/// </summary>
public sealed class LinkGraphProjection : IProjection
{
    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        CreateNodesInOrder(operations, events);

        // Consecutive reports and amendments go to the database as one call, in order, so the matches
        // of the entities they share are worked out once, in one lock order (li_apply_incidents).
        var applies = new List<string>();
        foreach (var @event in events)
        {
            switch (@event.Data)
            {
                case IncidentReported e:
                    applies.Add(Payload(e.IncidentId, e.Force, e.ForceReference, e.Details, @event.Version, e.ReportedAt));
                    continue;
                case IncidentAmended e:
                    applies.Add(Payload(e.IncidentId, Forces.FromTenantId(@event.TenantId), null, e.Details, @event.Version, e.AmendedAt));
                    continue;
            }

            Apply(operations, applies);
            switch (@event.Data)
            {
                case IncidentRetracted e:
                    operations.QueueSqlCommand("select ersou.li_retract_incident(?, ?, ?)", e.IncidentId, (int)@event.Version, e.RetractedAt);
                    break;
                case CaseOpened e:
                    operations.QueueSqlCommand(
                        "insert into ersou.li_cases(id, reference, title, operation_name, lead_force, status, opened_at, version) values (?, ?, ?, ?, ?, 'OPEN', ?, ?)",
                        e.CaseId, e.Reference, e.Title, (object?)e.OperationName ?? DBNull.Value, e.LeadForce.TenantId(), e.OpenedAt, (int)@event.Version);
                    operations.QueueSqlCommand("insert into ersou.li_case_members(case_id, subject) values (?, ?) on conflict do nothing", e.CaseId, e.OpenedBy);
                    break;
                case IncidentAttachedToCase e:
                    operations.QueueSqlCommand("insert into ersou.li_case_incidents(case_id, incident_id, attached_at) values (?, ?, ?) on conflict do nothing", e.CaseId, e.IncidentId, e.AttachedAt);
                    Touch(operations, e.CaseId, @event);
                    break;
                case CaseMemberAdded e:
                    operations.QueueSqlCommand("insert into ersou.li_case_members(case_id, subject) values (?, ?) on conflict do nothing", e.CaseId, e.Username);
                    Touch(operations, e.CaseId, @event);
                    break;
                case CaseNoteAdded e:
                    Touch(operations, e.CaseId, @event);
                    break;
                case CaseClosed e:
                    operations.QueueSqlCommand("update ersou.li_cases set status = 'CLOSED', version = ? where id = ?", (int)@event.Version, e.CaseId);
                    break;
            }
        }

        Apply(operations, applies);
        return Task.CompletedTask;
    }

    private static void Apply(IDocumentOperations operations, List<string> payloads)
    {
        if (payloads.Count > 0)
        {
            operations.QueueSqlCommand("select ersou.li_apply_incidents(?::jsonb)", "[" + string.Join(',', payloads) + "]");
            payloads.Clear();
        }
    }

    /// <summary>
    /// Creates every graph node a batch will link, first and in one global order (kind, key):
    /// concurrent batches that share numbers, cars or people then wait for each other in the same
    /// order instead of deadlocking on each other's new rows.
    /// </summary>
    private static void CreateNodesInOrder(IDocumentOperations operations, IReadOnlyList<IEvent> events)
    {
        var details = events.Select(e => e.Data switch { IncidentReported r => r.Details, IncidentAmended a => a.Details, _ => null }).OfType<IncidentDetails>().ToList();
        if (details.Count == 0)
        {
            return;
        }

        var keyed = details.SelectMany(d => d.PhoneNumbers.Select(p => ("PHONE", p.E164)).Concat(d.VehicleRegistrations.Select(r => ("VEHICLE", r))))
            .Where(n => n.Item2 is not null).Distinct().OrderBy(n => n.Item1, StringComparer.Ordinal).ThenBy(n => n.Item2, StringComparer.Ordinal).ToList();
        var people = details.SelectMany(d => d.Couriers.SelectMany(c => c.IdentityKeys.Select(k => ("COURIER", k))).Concat(d.Suspects.SelectMany(s => s.IdentityKeys.Select(k => ("SUSPECT", k)))))
            .Distinct().OrderBy(n => n.Item1, StringComparer.Ordinal).ThenBy(n => n.Item2, StringComparer.Ordinal).ToList();
        if (keyed.Count > 0)
        {
            operations.QueueSqlCommand(
                "select ersou.li_keyed_entity(k.kind, k.key) from unnest(?::text[], ?::text[]) with ordinality as k(kind, key, n) order by k.n",
                keyed.Select(n => n.Item1).ToArray(), keyed.Select(n => n.Item2).ToArray());
        }

        if (people.Count > 0)
        {
            operations.QueueSqlCommand(
                "select ersou.li_person_node(k.kind, k.key) from unnest(?::text[], ?::text[]) with ordinality as k(kind, key, n) order by k.n",
                people.Select(n => n.Item1).ToArray(), people.Select(n => n.Item2).ToArray());
        }
    }

    private static void Touch(IDocumentOperations operations, Guid caseId, IEvent @event) =>
        operations.QueueSqlCommand("update ersou.li_cases set version = ? where id = ?", (int)@event.Version, caseId);

    internal static string Payload(Guid id, Force force, string? forceReference, IncidentDetails details, long version, DateTimeOffset recordedAt) =>
        JsonSerializer.Serialize(
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
            },
            ReadModelJson.Options);
}
