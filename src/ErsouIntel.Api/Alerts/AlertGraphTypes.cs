using ErsouIntel.Api.Access;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Api.Incidents;
using ErsouIntel.Api.Incidents.Reading;
using ErsouIntel.Api.Links;
using ErsouIntel.Api.Matches;
using ErsouIntel.Api.Watches;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Alerts;
using ErsouIntel.Domain.Watches;
using GraphQL.Types;
using Marten;

namespace ErsouIntel.Api.Alerts;

/// <summary>An alert as its recipient is shown it: what it names is read for the same viewer, and visibility is decided now, not when it was raised.</summary>
public sealed record AlertView(AlertRecord Alert, Viewer ShownTo) : IShownTo
{
    Viewer? IShownTo.ShownTo => ShownTo;
}

/// <summary>A page of the caller's alerts, with how many they have in all.</summary>
public sealed record AlertPage(Connection<AlertView> Page, int TotalCount);

public sealed class AlertGraphType : ObjectGraphType<AlertView>
{
    /// <summary>The recipient's own watches by id, in their own force's tenant; another's is none.</summary>
    private static readonly BatchLoader<Guid, WatchRow> OwnWatch = new(async (services, viewer, ids, cancellation) =>
    {
        await using var session = services.GetRequiredService<IDocumentStore>().QuerySession(viewer.Force.TenantId());
        var watches = await session.LoadManyAsync<Watch>(cancellation, ids);
        return watches.Where(w => w.Watcher == viewer.Subject).Select(w => new WatchRow(w, viewer)).ToLookup(w => w.Watch.Id);
    });

    public AlertGraphType()
    {
        Name = "Alert";
        Description = "Something recorded that touches what you watch, a match of your force, or an open case you are a member of.";
        Interface<NodeInterface>();
        IsTypeOf = o => o is AlertView;
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Alert.Id.ToString());
        Field<NonNullGraphType<ContractDateTimeGraphType>>("at").Description("When the service recorded what caused it.").Resolve(ctx => ctx.Source.Alert.At);
        Field<NonNullGraphType<EnumerationGraphType<AlertKind>>>("kind").Resolve(ctx => ctx.Source.Alert.Kind);
        Field<WatchGraphType>("watch").Description("The watch that fired, when one did.")
            .Resolve(ctx => ctx.Source.Alert.WatchId is { } id ? OwnWatch.LoadFirst(ctx, id) : null);
        Field<MatchGraphType>("match").Description("The match recorded or joined, for NEW_MATCH.")
            .Resolve(ctx => ctx.Source.Alert.MatchId is { } id ? MatchQueries.ById.LoadFirst(ctx, id) : null);
        Field<IncidentGraphType>("incident").Description("The incident that caused it, when you may see it in full now.")
            .Resolve(ctx => IncidentQueries.ById.LoadFirst(ctx, ctx.Source.Alert.IncidentId));
        Field<NonNullGraphType<RecordPointerGraphType>>("pointer").Description("Always: the record that caused it, enough to ask its force.")
            .Resolve(ctx => RecordPointer.ById.LoadFirst(ctx, ctx.Source.Alert.IncidentId));
    }
}

public sealed class AlertConnectionGraphType : ObjectGraphType<AlertPage>
{
    public AlertConnectionGraphType()
    {
        Name = "AlertConnection";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EdgeGraphType<AlertGraphType, AlertView>>>>>("edges").Resolve(ctx => ctx.Source.Page.Edges);
        Field<NonNullGraphType<PageInfoGraphType>>("pageInfo").Resolve(ctx => ctx.Source.Page.PageInfo);
        Field<NonNullGraphType<IntGraphType>>("totalCount").Description("All your alerts, on every page.").Resolve(ctx => ctx.Source.TotalCount);
    }
}
