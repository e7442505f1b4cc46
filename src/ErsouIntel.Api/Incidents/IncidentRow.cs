using System.Text.Json;
using ErsouIntel.Api.Access;
using ErsouIntel.Api.Storage;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Incidents;
using Npgsql;

namespace ErsouIntel.Api.Incidents;

/// <summary>An incident as the read model holds it: the current content and the facts visibility needs.</summary>
public sealed record IncidentRow(
    Guid Id,
    Force Force,
    string ForceReference,
    HandlingCode Handling,
    DateTimeOffset ReportedAt,
    bool Retracted,
    int Version,
    IncidentDetails Details) : IShownTo
{
    /// <summary>Whom this row was read for; its couriers, suspects and cases are read for the same viewer.</summary>
    public Viewer? ShownTo { get; init; }

    public const string Columns = "i.id, i.force, i.force_reference, i.handling, i.reported_at, i.retracted, i.version, i.details";

    /// <summary>Reads the columns of <see cref="Columns"/> starting at <paramref name="at"/>.</summary>
    public static IncidentRow Read(NpgsqlDataReader reader, int at = 0)
    {
        return new IncidentRow(
            reader.GetGuid(at),
            Forces.FromTenantId(reader.GetString(at + 1)),
            reader.GetString(at + 2),
            Enum.Parse<HandlingCode>(reader.GetString(at + 3)),
            reader.GetFieldValue<DateTimeOffset>(at + 4),
            reader.GetBoolean(at + 5),
            reader.GetInt32(at + 6),
            JsonSerializer.Deserialize<IncidentDetails>(reader.GetString(at + 7), ReadModelJson.Options)!);
    }

    /// <summary>The domain's view of this incident, for decisions.</summary>
    public Incident ToIncident() => new(Id, Force, ForceReference, Details, Details.Fingerprint(), ReportedAt, Retracted, Version);

    public static async Task<Dictionary<Guid, IncidentRow>> LoadAsync(NpgsqlDataSource db, IReadOnlyCollection<Guid> ids, CancellationToken cancellation)
    {
        var rows = new Dictionary<Guid, IncidentRow>();
        if (ids.Count == 0)
        {
            return rows;
        }

        await using var command = db.CreateCommand($"select {Columns} from ersou.li_incidents i where i.id = any($1)");
        command.Parameters.AddWithValue(ids.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            var row = Read(reader);
            rows[row.Id] = row;
        }

        return rows;
    }
}
