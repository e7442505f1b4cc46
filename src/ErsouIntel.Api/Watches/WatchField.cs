using ErsouIntel.Api.Access;
using ErsouIntel.Api.Audit;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Watches;

/// <summary>
/// <c>watch(input)</c>: an investigator watches an entity for themselves, for a purpose and a justification.
/// Placing it is a COLLECTION in the access log with both; a start by a service id the caller may not see
/// is NOT_FOUND and a REFUSED entry naming it, as when it is read.
/// </summary>
public static class WatchField
{
    public static void AddTo(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<WatchPayloadGraphType>>("watch")
            .Argument<NonNullGraphType<WatchInputGraphType>>("input")
            .ResolveAsync(async ctx =>
            {
                var input = ctx.GetArgument<WatchInput>("input");
                var (caller, force) = Authorize.Investigator(ctx, input.Purpose, input.Justification);
                var change = await ctx.RequestServices!.GetRequiredService<WatchWork>().PlaceAsync(caller, force, input, ctx.CancellationToken);
                if (change.Refused.Count > 0)
                {
                    Authorize.NoteRefusal(ctx, caller, input.Purpose, input.Justification, change.Refused);
                }

                if (change is { Written: true, Watch: { } placed })
                {
                    ctx.RequestServices!.GetRequiredService<RequestAudit>()
                        .Changed(AccessKind.Collection, WatchWork.RecordType, placed.Id, force, placed.Purpose, placed.Justification);
                }

                return new WatchPayload(new Viewer(force, caller.Subject, true, null), change.Watch, change.Errors);
            });
}
