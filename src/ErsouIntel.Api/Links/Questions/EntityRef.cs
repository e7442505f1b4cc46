using ErsouIntel.Api.Access;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Api.Incidents.Reading;
using ErsouIntel.Api.Storage.Replicas;
using ErsouIntel.Domain;
using GraphQL;
using GraphQL.Types;
using Npgsql;

namespace ErsouIntel.Api.Links.Questions;

/// <summary>Where an investigator starts a link question: a kind and a key (a number, a registration, a PNC ID, or an id the service gave).</summary>
public sealed record EntityRef(EntityKind Kind, string Key);

public sealed class EntityRefInputGraphType : InputObjectGraphType<EntityRef>
{
    public EntityRefInputGraphType()
    {
        Name = "EntityRef";
        Description = "What an investigator starts from. key: a phone number in any common format, a vehicle registration in any spacing or case, a PNC ID, or an id the service gave (courier, suspect, incident).";
        Field<NonNullGraphType<EnumerationGraphType<EntityKind>>>("kind");
        Field<NonNullGraphType<StringGraphType>>("key");
    }

    public override object ParseDictionary(IDictionary<string, object?> value) =>
        new EntityRef((EntityKind)value["kind"]!, (string)value["key"]!);
}

/// <summary>
/// A start as graph ids: the entity nodes it stands for (a person: every node of theirs the viewer
/// is shown, so a walk leaves from the whole person), or the incident. Empty when the start is
/// unknown, or is a service id the viewer may not see: both answer alike.
/// </summary>
/// <param name="Canonical">What was asked in one spelling (the normalised number, registration or PNC ID, or the id), so a cursor is bound to the question and not to how it was typed.</param>
public sealed record LinkStart(EntityKind Kind, string Canonical, IReadOnlyList<Guid> Nodes, Guid? Incident)
{
    public bool IsEmpty => Nodes.Count == 0 && Incident is null;
}

/// <summary>
/// Turns an <see cref="EntityRef"/> into a <see cref="LinkStart"/> under the contract's table "Who sees
/// what in v2": a number, registration or PNC ID starts the walk whoever's records carry it (a walk
/// passes through withheld records, which then show only as pointers); a service id the viewer may
/// not see starts nothing, and is named in the scope's REFUSED entry as an unknown one is.
/// </summary>
public sealed class LinkStarts(ReadSource db, EntityQueries people, RecordOwners owners)
{
    public async Task<LinkStart> ResolveAsync(AccessScope scope, EntityRef asked, CancellationToken cancellation)
    {
        // Resolving reads records to decide where to start; it returns none of them, so it notes nothing.
        var viewer = Viewer.For(scope) with { Scope = null };
        switch (asked.Kind)
        {
            case EntityKind.PhoneNumber:
                var e164 = Normalise.PhoneNumber(asked.Key) ?? throw BadKey("a phone number");
                return Start(asked, e164, await NodeAsync("PHONE", e164, cancellation));
            case EntityKind.Vehicle:
                var registration = Normalise.VehicleRegistration(asked.Key) ?? throw BadKey("a vehicle registration");
                return Start(asked, registration, await NodeAsync("VEHICLE", registration, cancellation));
            case EntityKind.Incident:
                if (Guid.TryParse(asked.Key, out var incident) && await SeesIncidentAsync(viewer, incident, cancellation))
                {
                    return new LinkStart(asked.Kind, incident.ToString("D"), [], incident);
                }

                return await RefusedAsync(scope, asked, IncidentQueries.RecordType, cancellation);
            default:
                var kind = asked.Kind == EntityKind.Courier ? EntityView.Courier : EntityView.Suspect;
                if (Guid.TryParse(asked.Key, out var id))
                {
                    return await people.PersonAsync(viewer, kind, [id], cancellation) is { } person
                        ? new LinkStart(asked.Kind, id.ToString("D"), [.. person.Nodes.Order()], null)
                        : await RefusedAsync(scope, asked, kind == EntityView.Courier ? RecordOwners.Courier : RecordOwners.Suspect, cancellation);
                }

                var pnc = Normalise.PncId(asked.Key) ?? throw BadKey("an id the service gave or a PNC ID");
                if (await KeyNodeAsync(kind, "pnc:" + pnc, cancellation) is not { } node)
                {
                    return Start(asked, pnc, null);
                }

                // The person as the viewer knows them, when some sighting they see in full carries the PNC ID.
                var known = await people.PersonAsync(viewer, kind, [node], cancellation);
                return new LinkStart(asked.Kind, pnc, [.. (known?.Nodes ?? new HashSet<Guid>()).Append(node).Distinct().Order()], null);
        }
    }

    private static LinkStart Start(EntityRef asked, string canonical, Guid? node) => new(asked.Kind, canonical, node is { } n ? [n] : [], null);

    private static ExecutionError BadKey(string what) => new($"entity.key is not {what}.") { Code = ErrorCodes.BadUserInput };

    private async Task<LinkStart> RefusedAsync(AccessScope scope, EntityRef asked, string type, CancellationToken cancellation)
    {
        foreach (var record in await owners.NamedAsync(type, asked.Key, cancellation))
        {
            scope.Refused(record);
        }

        return new LinkStart(asked.Kind, TypedTextSafe(asked.Key), [], null);
    }

    private static string TypedTextSafe(string key) => Domain.Common.TypedText.MadeSafe(key, RecordOwners.MaxIdText);

    private async Task<Guid?> NodeAsync(string kind, string key, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand("select id from ersou.li_entities where kind = @kind and key = @key limit 1");
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("key", key);
        return await command.ExecuteScalarAsync(cancellation) as Guid?;
    }

    private async Task<Guid?> KeyNodeAsync(string kind, string key, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand("select entity_id from ersou.li_entity_keys where kind = @kind and key = @key");
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("key", key);
        return await command.ExecuteScalarAsync(cancellation) as Guid?;
    }

    private async Task<bool> SeesIncidentAsync(Viewer viewer, Guid id, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand($"select 1 from ersou.li_incidents i where i.id = @id and {Visibility.SeesInFull("i")}");
        command.Parameters.AddWithValue("id", id);
        viewer.Bind(command);
        return await command.ExecuteScalarAsync(cancellation) is not null;
    }
}
