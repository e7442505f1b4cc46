using ErsouIntel.Api.Cases;
using ErsouIntel.Api.Cases.Reading;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Api.Incidents;
using ErsouIntel.Api.Incidents.Reading;
using ErsouIntel.Api.Links;
using ErsouIntel.Api.Matches;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Access;

/// <summary>
/// Everything an investigator can read, and only through here: <c>access(purpose, justification)</c>
/// opens the scope, and each field below reads as the scope's viewer and notes what it returned.
/// </summary>
public sealed class AccessScopeGraphType : ObjectGraphType<AccessScope>
{
    public AccessScopeGraphType()
    {
        Name = "AccessScope";
        Description = "Reading intelligence, for a stated purpose and justification. Everything returned here is logged.";

        Field<IncidentGraphType>("incident")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async ctx => Guid.TryParse(ctx.GetArgument<string>("id"), out var id)
                ? await ctx.RequestServices!.GetRequiredService<IncidentQueries>().ByIdAsync(Viewer.For(ctx.Source), id, ctx.CancellationToken)
                : null);

        Field<NonNullGraphType<IncidentConnectionGraphType>>("incidents")
            .Argument<IncidentFilterGraphType>("filter")
            .Argument<IntGraphType>("first")
            .Argument<StringGraphType>("after")
            .ResolveAsync(async ctx => await ctx.RequestServices!.GetRequiredService<IncidentQueries>().ListAsync(
                Viewer.For(ctx.Source),
                ctx.GetArgument<IncidentFilter?>("filter"),
                Paging.First(ctx.GetArgument<int?>("first")),
                Paging.After(ctx.GetArgument<string?>("after")),
                ctx.CancellationToken));

        Field<PhoneNumberProfileGraphType>("phoneNumber")
            .Argument<NonNullGraphType<StringGraphType>>("number")
            .ResolveAsync(async ctx => await ctx.RequestServices!.GetRequiredService<PhoneNumberProfiles>()
                .FindAsync(Viewer.For(ctx.Source), ctx.GetArgument<string>("number"), ctx.CancellationToken));

        Field<NonNullGraphType<ListGraphType<NonNullGraphType<CourierLinkGraphType>>>>("linkedCouriers")
            .Description("Every courier within maxHops (1 to 4) of the number, across all six forces, nearest first.")
            .Argument<NonNullGraphType<StringGraphType>>("phoneNumber")
            .Argument<IntGraphType>("maxHops", arg => arg.DefaultValue = 2)
            .ResolveAsync(async ctx => await ctx.RequestServices!.GetRequiredService<LinkedCouriers>()
                .FindAsync(Viewer.For(ctx.Source), ctx.GetArgument<string>("phoneNumber"), ctx.GetArgument("maxHops", 2), ctx.CancellationToken));

        Field<CourierGraphType>("courier")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async ctx => Guid.TryParse(ctx.GetArgument<string>("id"), out var id)
                ? await ctx.RequestServices!.GetRequiredService<EntityQueries>().ByIdAsync(Viewer.For(ctx.Source), id, EntityView.Courier, ctx.CancellationToken)
                : null);

        Field<SuspectGraphType>("suspect")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async ctx => Guid.TryParse(ctx.GetArgument<string>("id"), out var id)
                ? await ctx.RequestServices!.GetRequiredService<EntityQueries>().ByIdAsync(Viewer.For(ctx.Source), id, EntityView.Suspect, ctx.CancellationToken)
                : null);

        Field<CaseGraphType>("case")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async ctx => Guid.TryParse(ctx.GetArgument<string>("id"), out var id)
                ? await ctx.RequestServices!.GetRequiredService<CaseQueries>().ByIdAsync(Viewer.For(ctx.Source), id, ctx.CancellationToken)
                : null);

        Field<NonNullGraphType<CaseConnectionGraphType>>("cases")
            .Argument<IntGraphType>("first")
            .Argument<StringGraphType>("after")
            .ResolveAsync(async ctx => await ctx.RequestServices!.GetRequiredService<CaseQueries>().ListAsync(
                Viewer.For(ctx.Source), Paging.First(ctx.GetArgument<int?>("first")), Paging.After(ctx.GetArgument<string?>("after")), ctx.CancellationToken));

        Field<NonNullGraphType<MatchConnectionGraphType>>("matches")
            .Argument<IntGraphType>("first")
            .Argument<StringGraphType>("after")
            .ResolveAsync(async ctx => await ctx.RequestServices!.GetRequiredService<MatchQueries>().ListAsync(
                Viewer.For(ctx.Source), Paging.First(ctx.GetArgument<int?>("first")), Paging.After(ctx.GetArgument<string?>("after")), ctx.CancellationToken));
    }
}
