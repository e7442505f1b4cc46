using ErsouIntel.Api.Access;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Incidents;
using Npgsql;

namespace ErsouIntel.Api.Links;

/// <summary>Enough to ask the owning force about a record, and nothing more.</summary>
public sealed record RecordPointer(Guid IncidentId, Force Force, string ForceReference, HandlingCode Handling)
{
    public const string RecordType = "IncidentPointer";

    /// <summary>Pointers to the given incidents, ordered by force and reference (never by anything a pointer does not show).</summary>
    public static async Task<Dictionary<Guid, RecordPointer>> LoadAsync(NpgsqlDataSource db, Viewer viewer, IReadOnlyCollection<Guid> ids, CancellationToken cancellation)
    {
        var pointers = new Dictionary<Guid, RecordPointer>();
        if (ids.Count == 0)
        {
            return pointers;
        }

        await using var command = db.CreateCommand("select id, force, force_reference, handling from ersou.li_incidents where id = any(@ids)");
        command.Parameters.AddWithValue("ids", ids.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            var pointer = new RecordPointer(reader.GetGuid(0), Forces.FromTenantId(reader.GetString(1)), reader.GetString(2), Enum.Parse<HandlingCode>(reader.GetString(3)));
            pointers[pointer.IncidentId] = pointer;
            viewer.Returned(RecordType, pointer.IncidentId, pointer.Force);
        }

        return pointers;
    }

    /// <summary>The pointer of each incident a field names (an alert's cause), read with the rest of its level.</summary>
    public static BatchLoader<Guid, RecordPointer> ById { get; } = new(async (services, viewer, ids, cancellation) =>
        (await LoadAsync(services.GetRequiredService<Storage.Replicas.ReadSource>().Current, viewer, [.. ids], cancellation)).Values.ToLookup(p => p.IncidentId));

    public static IReadOnlyList<RecordPointer> Ordered(IEnumerable<RecordPointer> pointers) =>
        pointers.OrderBy(p => p.Force).ThenBy(p => p.ForceReference, StringComparer.Ordinal).ToList();
}
