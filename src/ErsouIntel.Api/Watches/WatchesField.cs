using ErsouIntel.Api.Access;
using ErsouIntel.Domain.Common;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Watches;

/// <summary>
/// <c>watches</c>: the scope's viewer's own live watches, oldest first. Expired and ended watches raise nothing,
/// so they are not listed. Each watched entity is read for the scope, and noted on it, as the link questions' nodes are.
/// </summary>
public static class WatchesField
{
    public static void AddTo(ObjectGraphType<AccessScope> scope) =>
        scope.Field<NonNullGraphType<ListGraphType<NonNullGraphType<WatchGraphType>>>>("watches")
            .Description("Your own live watches, oldest first. Ended and expired watches raise nothing and are not listed.")
            .ResolveAsync(async ctx =>
            {
                var viewer = Viewer.For(ctx.Source);
                var live = await ctx.RequestServices!.GetRequiredService<WatchWork>().LiveAsync(new Actor(ctx.Source.Subject, ctx.Source.Force), ctx.CancellationToken);
                return live.Select(w => new WatchRow(w, viewer)).ToList();
            });
}
