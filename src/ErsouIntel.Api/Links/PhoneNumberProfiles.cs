using ErsouIntel.Api.Access;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Api.Incidents;
using ErsouIntel.Api.Incidents.Reading;
using ErsouIntel.Api.Storage.Replicas;
using ErsouIntel.Domain;
using GraphQL;
using GraphQL.Types;
using Npgsql;

namespace ErsouIntel.Api.Links;

public sealed record PhoneNumberProfile(string E164, IReadOnlyList<Force> Forces, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, IReadOnlyList<IncidentRow> Incidents, IReadOnlyList<RecordPointer> Pointers);

/// <summary>The <c>phoneNumber</c> field of an access scope, answered by <see cref="PhoneNumberProfiles"/>.</summary>
public static class PhoneNumberProfileField
{
    public static void AddTo(ObjectGraphType<AccessScope> scope) =>
        scope.Field<PhoneNumberProfileGraphType>("phoneNumber")
            .Argument<NonNullGraphType<StringGraphType>>("number")
            .ResolveAsync(async ctx => await ctx.RequestServices!.GetRequiredService<PhoneNumberProfiles>()
                .FindAsync(Viewer.For(ctx.Source), ctx.GetArgument<string>("number"), ctx.CancellationToken));
}

/// <summary>
/// <c>phoneNumber(number)</c>: what the region knows of one number. First and last seen are
/// taken from the incidents the viewer sees in full, never from withheld ones; a number known
/// to the viewer only through withheld records answers null (its pointers still come through
/// <c>linkedCouriers</c> and <c>matches</c>).
/// </summary>
public sealed class PhoneNumberProfiles(ReadSource db, IncidentQueries incidents)
{
    public const int MaxIncidents = 500;

    public async Task<PhoneNumberProfile?> FindAsync(Viewer viewer, string number, CancellationToken cancellation)
    {
        var e164 = Normalise.PhoneNumber(number)
            ?? throw new ExecutionError("number is not a phone number.") { Code = ErrorCodes.BadUserInput };

        await using var command = db.CreateCommand(
            $"""
            select distinct i.id, i.occurred_at, {Visibility.SeesInFull("i")} as visible
              from ersou.li_entities e
              join ersou.li_links l on l.entity_id = e.id
              join ersou.li_incidents i on i.id = l.incident_id
             where e.kind = 'PHONE' and e.key = @e164
            """);
        command.Parameters.AddWithValue("e164", e164);
        viewer.Bind(command);
        var all = new List<Guid>();
        var visible = new List<(Guid Id, DateTimeOffset OccurredAt)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                all.Add(reader.GetGuid(0));
                if (reader.GetBoolean(2))
                {
                    visible.Add((reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1)));
                }
            }
        }

        if (visible.Count == 0)
        {
            return null;
        }

        var shown = visible.OrderByDescending(v => v.OccurredAt).ThenBy(v => v.Id).Take(MaxIncidents).Select(v => v.Id).ToList();
        var rows = await incidents.ByIdsAsync(viewer, shown, cancellation);
        var pointers = RecordPointer.Ordered((await RecordPointer.LoadAsync(db.Current, viewer, all, cancellation)).Values);
        return new PhoneNumberProfile(
            e164,
            pointers.Select(p => p.Force).Distinct().Order().ToList(),
            visible.Min(v => v.OccurredAt),
            visible.Max(v => v.OccurredAt),
            rows,
            pointers);
    }
}
