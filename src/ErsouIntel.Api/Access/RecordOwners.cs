using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Cases.Reading;
using ErsouIntel.Api.Incidents.Reading;
using ErsouIntel.Api.Storage.Replicas;
using ErsouIntel.Domain;
using Npgsql;

namespace ErsouIntel.Api.Access;

/// <summary>
/// Whose record an id names, for the access log only: a record asked for and not given is named
/// with its owning force, so that force's auditor sees who asked. Never part of an answer.
/// </summary>
public sealed class RecordOwners(ReadSource db, CaseQueries cases)
{
    /// <summary>The longest id text kept for an id that is not a uuid.</summary>
    public const int MaxIdText = 100;

    public const string Courier = "Courier";
    public const string Suspect = "Suspect";

    /// <summary>
    /// The records the log names for an id of <paramref name="type"/>: one per owning force (a courier or
    /// suspect belongs to the forces whose incidents carry it), or one without a force when nothing has
    /// this id.
    /// </summary>
    public async Task<IReadOnlyList<LoggedRecord>> NamedAsync(string type, string askedId, CancellationToken cancellation)
    {
        if (!Guid.TryParse(askedId, out var id))
        {
            return [new LoggedRecord(type, Domain.Common.TypedText.MadeSafe(askedId, MaxIdText), null)];
        }

        var forces = await ForcesAsync(type, id, cancellation);
        var text = id.ToString("D");
        return forces.Count == 0 ? [new LoggedRecord(type, text, null)] : [.. forces.Select(f => new LoggedRecord(type, text, f))];
    }

    private async Task<IReadOnlyList<Force>> ForcesAsync(string type, Guid id, CancellationToken cancellation)
    {
        if (type == CaseQueries.RecordType)
        {
            return await cases.LeadForceAsync(id, cancellation) is { } lead ? [lead] : [];
        }

        if (type == Matches.MatchQueries.RecordType)
        {
            // A match belongs to every force it joins.
            await using var match = db.CreateCommand("select unnest(forces) from ersou.li_matches where id = @id order by 1");
            match.Parameters.AddWithValue("id", id);
            var joined = new List<Force>();
            await using var rows = await match.ExecuteReaderAsync(cancellation);
            while (await rows.ReadAsync(cancellation))
            {
                joined.Add(Forces.FromTenantId(rows.GetString(0)));
            }

            return joined;
        }

        await using var command = type == IncidentQueries.RecordType
            ? db.CreateCommand("select force from ersou.li_incidents where id = @id")
            : db.CreateCommand(
                "select distinct i.force from ersou.li_links l join ersou.li_incidents i on i.id = l.incident_id where l.entity_id = @id and l.kind = @kind order by 1");
        command.Parameters.AddWithValue("id", id);
        if (type != IncidentQueries.RecordType)
        {
            command.Parameters.AddWithValue("kind", type == Courier ? Links.EntityView.Courier : Links.EntityView.Suspect);
        }

        var forces = new List<Force>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            forces.Add(Forces.FromTenantId(reader.GetString(0)));
        }

        return forces;
    }
}
