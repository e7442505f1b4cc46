using ErsouIntel.Api.Access;
using ErsouIntel.Api.Audit;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Watches;

/// <summary>
/// <c>unwatch(id)</c>: the watcher ends their watch. Another's watch answers as one that does not exist.
/// Ending it is an ALTERATION in the access log, with the purpose and justification it was placed with.
/// </summary>
public static class UnwatchField
{
    public static void AddTo(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<WatchPayloadGraphType>>("unwatch")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async ctx =>
            {
                var (caller, force) = Authorize.Investigator(ctx);
                var change = await ctx.RequestServices!.GetRequiredService<WatchWork>().EndAsync(caller, force, ctx.GetArgument<string>("id"), ctx.CancellationToken);
                if (change is { Written: true, Watch: { } ended })
                {
                    ctx.RequestServices!.GetRequiredService<RequestAudit>()
                        .Changed(AccessKind.Alteration, WatchWork.RecordType, ended.Id, force, ended.Purpose, ended.Justification);
                }

                return new WatchPayload(new Viewer(force, caller.Subject, true, null), change.Watch, change.Errors);
            });
}
