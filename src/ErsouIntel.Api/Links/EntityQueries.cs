using ErsouIntel.Api.Access;
using ErsouIntel.Domain;
using Npgsql;

namespace ErsouIntel.Api.Links;

/// <summary>
/// A courier or suspect as one viewer may know them: built only from the sightings on incidents
/// the viewer sees in full, so a withheld record adds nothing, not even a registration.
/// </summary>
public sealed record EntityView(Guid Id, string Kind, IReadOnlyList<Sighting> Sightings, Viewer ShownTo) : IShownTo
{
    Viewer? IShownTo.ShownTo => ShownTo;

    public const string Courier = "COURIER";
    public const string Suspect = "SUSPECT";

    /// <summary>The name from the most recent sighting that gives one.</summary>
    public string? Name => Sightings.Select(s => s.Name).FirstOrDefault(n => n is not null);

    public string? Description => Sightings.Select(s => s.Description).FirstOrDefault(n => n is not null);

    public IReadOnlyList<string> VehicleRegistrations =>
        Sightings.Select(s => s.Registration).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    public IReadOnlyList<Force> Forces => Sightings.Select(s => s.Force).Distinct().Order().ToList();

    public IReadOnlyList<Guid> IncidentIds => Sightings.Select(s => s.IncidentId).Distinct().ToList();
}

/// <summary>One incident's account of a courier or suspect.</summary>
public sealed record Sighting(Guid IncidentId, Force Force, DateTimeOffset OccurredAt, string? Name, string? Description, string? Registration);

public sealed class EntityQueries(NpgsqlDataSource db)
{
    /// <summary>The couriers (or suspects) on one incident, each as the viewer may know them.</summary>
    public async Task<IReadOnlyList<EntityView>> OnIncidentAsync(Viewer viewer, Guid incidentId, string kind, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand("select entity_id from ersou.li_links where incident_id = @incident and kind = @kind order by ordinal");
        command.Parameters.AddWithValue("incident", incidentId);
        command.Parameters.AddWithValue("kind", kind);
        var ids = new List<Guid>();
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                ids.Add(reader.GetGuid(0));
            }
        }

        var views = await ByIdsAsync(viewer, ids.Distinct().ToList(), kind, cancellation);
        return views;
    }

    /// <summary>A courier or suspect by id, or null when the viewer sees none of its sightings (or it does not exist).</summary>
    public async Task<EntityView?> ByIdAsync(Viewer viewer, Guid id, string kind, CancellationToken cancellation)
    {
        var views = await ByIdsAsync(viewer, [await CurrentIdAsync(id, cancellation)], kind, cancellation);
        return views.Count == 0 ? null : views[0];
    }

    /// <summary>The entities among <paramref name="ids"/> that the viewer sees at least one sighting of, in the order given.</summary>
    public async Task<IReadOnlyList<EntityView>> ByIdsAsync(Viewer viewer, IReadOnlyList<Guid> ids, string kind, CancellationToken cancellation)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        await using var command = db.CreateCommand(
            $"""
            select l.entity_id, l.incident_id, i.force, i.occurred_at, l.name, l.description, l.registration
              from ersou.li_links l join ersou.li_incidents i on i.id = l.incident_id
             where l.entity_id = any(@ids) and l.kind = @kind and {Visibility.SeesInFull("i")}
             order by i.occurred_at desc, l.incident_id
            """);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        command.Parameters.AddWithValue("kind", kind);
        viewer.Bind(command);
        var sightings = new Dictionary<Guid, List<Sighting>>();
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                var entity = reader.GetGuid(0);
                if (!sightings.TryGetValue(entity, out var list))
                {
                    sightings[entity] = list = [];
                }

                list.Add(new Sighting(
                    reader.GetGuid(1),
                    Domain.Forces.FromTenantId(reader.GetString(2)),
                    reader.GetFieldValue<DateTimeOffset>(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6)));
            }
        }

        var views = ids.Where(sightings.ContainsKey).Select(id => new EntityView(id, kind, sightings[id], viewer)).ToList();
        foreach (var view in views)
        {
            viewer.Returned(kind == EntityView.Courier ? "Courier" : "Suspect", view.Id, null);
        }

        return views;
    }

    /// <summary>An id handed out before two entities were found to be one still finds the merged entity.</summary>
    private async Task<Guid> CurrentIdAsync(Guid id, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand("select into_id from ersou.li_entity_merges where merged_id = @id");
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(cancellation) is Guid merged ? merged : id;
    }
}
