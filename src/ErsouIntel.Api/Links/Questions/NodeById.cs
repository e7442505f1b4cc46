using ErsouIntel.Api.Access;
using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Cases.Reading;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Api.Incidents.Reading;
using ErsouIntel.Api.Matches;
using ErsouIntel.Domain.Common;
using GraphQL;
using GraphQL.Types;
using Npgsql;

namespace ErsouIntel.Api.Links.Questions;

/// <summary>
/// <c>node(id)</c>: any Node by id, under the rules of fetching by id. Ids are unique across the
/// kinds of record, so which table holds the id decides which field answers (<c>incident</c>,
/// <c>courier</c>, <c>suspect</c>, <c>case</c>, or a match), and that field's rules decide whether
/// the caller is given it. Existence decides only what the log names: a record withheld and an id
/// that names nothing both answer null and write one REFUSED entry, naming the record and its force,
/// or the id as a Node without a force.
/// </summary>
public static class NodeByIdField
{
    public const string AskedType = "Node";

    public static void AddTo(ObjectGraphType<AccessScope> scope) =>
        scope.Field<NodeInterface>("node")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async ctx => await ResolveAsync(ctx));

    private static async Task<object?> ResolveAsync(IResolveFieldContext<AccessScope> ctx)
    {
        var services = ctx.RequestServices!;
        var asked = ctx.GetArgument<string>("id");
        var isId = Guid.TryParse(asked, out var id);
        var type = isId ? await TypeOfAsync(services.GetRequiredService<Storage.Replicas.ReadSource>().Current, id, ctx.CancellationToken) : null;
        switch (type)
        {
            case IncidentQueries.RecordType:
                return await FetchById.ResolveAsync(ctx, type, services.GetRequiredService<IncidentQueries>().ByIdAsync, r => r.Force);
            case RecordOwners.Courier or RecordOwners.Suspect:
                var kind = type == RecordOwners.Courier ? EntityView.Courier : EntityView.Suspect;
                return await FetchById.ResolveAsync(ctx, type,
                    (viewer, at, cancellation) => services.GetRequiredService<EntityQueries>().ByIdAsync(viewer, at, kind, cancellation), _ => null);
            case CaseQueries.RecordType:
                return await FetchById.ResolveAsync(ctx, type, services.GetRequiredService<CaseQueries>().ByIdAsync, r => r.LeadForce);
            case MatchQueries.RecordType:
                return await FetchById.ResolveAsync(ctx, type, services.GetRequiredService<MatchQueries>().ByIdAsync, _ => null);
            default:
                ctx.Source.Refused(new LoggedRecord(AskedType, isId ? id.ToString("D") : TypedText.MadeSafe(asked, RecordOwners.MaxIdText), null));
                return null;
        }
    }

    /// <summary>The kind of record an id names, whoever may see it; null when it names none (a number's or a car's node is no Node).</summary>
    private static async Task<string?> TypeOfAsync(NpgsqlDataSource db, Guid id, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand(
            """
            select 'Incident' from ersou.li_incidents where id = @id
            union all
            select case kind when 'COURIER' then 'Courier' else 'Suspect' end from ersou.li_entities where id = @id and kind in ('COURIER', 'SUSPECT')
            union all
            select 'Case' from ersou.li_cases where id = @id
            union all
            select 'Match' from ersou.li_matches where id = @id
            limit 1
            """);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(cancellation) as string;
    }
}
