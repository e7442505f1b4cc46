using ErsouIntel.Api.Access;
using ErsouIntel.Api.Cases.Reading;
using ErsouIntel.Api.Incidents.Reading;
using ErsouIntel.Api.Links;
using ErsouIntel.Api.Matches;
using Npgsql;

namespace ErsouIntel.Api.WebConsole;

/// <summary>
/// Whether an investigator may see each record an export names, by the same rules the reads apply
/// (<see cref="Visibility"/>): an incident in full, or its pointer (every investigator may see a pointer);
/// a courier or suspect carried by an incident they see in full; a match joining their force; a case they
/// may see. One statement per type, however many records.
/// </summary>
public sealed class ExportableRecords(NpgsqlDataSource db)
{
    /// <summary>The record types the access log names for what the console shows.</summary>
    public static readonly IReadOnlyList<string> Types =
        [IncidentQueries.RecordType, RecordPointer.RecordType, RecordOwners.Courier, RecordOwners.Suspect, MatchQueries.RecordType, CaseQueries.RecordType];

    /// <summary>The first record the viewer may not see (or that does not exist), or null when they may see them all.</summary>
    public async Task<(string Type, Guid Id)?> FirstUnseenAsync(Viewer viewer, IReadOnlyList<(string Type, Guid Id)> records, CancellationToken cancellation)
    {
        foreach (var group in records.GroupBy(r => r.Type, StringComparer.Ordinal))
        {
            var asked = group.Select(r => r.Id).Distinct().ToArray();
            await using var command = db.CreateCommand(VisibleIds(group.Key));
            command.Parameters.AddWithValue("ids", asked);
            if (group.Key is RecordOwners.Courier or RecordOwners.Suspect)
            {
                command.Parameters.AddWithValue("kind", group.Key == RecordOwners.Courier ? EntityView.Courier : EntityView.Suspect);
            }

            viewer.Bind(command);
            var seen = new HashSet<Guid>();
            await using (var reader = await command.ExecuteReaderAsync(cancellation))
            {
                while (await reader.ReadAsync(cancellation))
                {
                    seen.Add(reader.GetGuid(0));
                }
            }

            if (asked.Where(id => !seen.Contains(id)).Cast<Guid?>().FirstOrDefault() is { } missing)
            {
                return (group.Key, missing);
            }
        }

        return null;
    }

    private static string VisibleIds(string type) => type switch
    {
        IncidentQueries.RecordType => $"select i.id from ersou.li_incidents i where i.id = any(@ids) and {Visibility.SeesInFull("i")}",
        RecordPointer.RecordType => "select i.id from ersou.li_incidents i where i.id = any(@ids) and @shared",
        RecordOwners.Courier or RecordOwners.Suspect =>
            $"select distinct l.entity_id from ersou.li_links l join ersou.li_incidents i on i.id = l.incident_id where l.entity_id = any(@ids) and l.kind = @kind and {Visibility.SeesInFull("i")}",
        MatchQueries.RecordType => "select m.id from ersou.li_matches m where m.id = any(@ids) and @force = any(m.forces)",
        CaseQueries.RecordType => $"select c.id from ersou.li_cases c where c.id = any(@ids) and {Visibility.SeesCase("c")}",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a record type an export may name."),
    };
}
