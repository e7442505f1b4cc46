using System.Reactive.Linq;
using ErsouIntel.Api.Access;
using ErsouIntel.Api.Audit;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Api.Identity;
using ErsouIntel.Domain;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Alerts;

/// <summary>One alert on its way to a subscriber, with the scope it was subscribed under.</summary>
public sealed record AlertDelivery(Caller Caller, Force Force, Purpose Purpose, string Justification, AlertRecord Alert);

/// <summary>
/// <c>Subscription.alerts(purpose, justification, after)</c>: the caller's alerts as they are recorded, on any
/// instance, after first those recorded since the alert <c>after</c>. Subscribing is authorised like
/// <c>access(...)</c>. Each event is resolved in a scope of its own, opened here with the subscription's
/// purpose and justification, so the transport logs what that one delivery hands out before it is sent.
/// </summary>
public static class AlertStreamField
{
    public static void AddTo(ObjectGraphType subscription) =>
        subscription.Field<NonNullGraphType<AlertGraphType>>("alerts")
            .Description("Your alerts as they are recorded; with after (the last alert id you saw), the ones you missed first.")
            .Argument<NonNullGraphType<EnumerationGraphType<Purpose>>>("purpose")
            .Argument<NonNullGraphType<StringGraphType>>("justification")
            .Argument<IdGraphType>("after")
            .ResolveStreamAsync(async ctx =>
            {
                var scope = OpenAccessScopeField.Authorized(ctx);
                var (caller, force, purpose, justification) = (scope.Caller, scope.Force, scope.Purpose, scope.Justification);
                var feed = ctx.RequestServices!.GetRequiredService<AlertFeed>();
                long? after = null;
                if (ctx.GetArgument<string?>("after") is { } afterId)
                {
                    after = (Guid.TryParse(afterId, out var id) ? await feed.PositionOfAsync(caller.Subject, id, ctx.CancellationToken) : null)
                        ?? throw new ExecutionError("after is not the id of one of your alerts.") { Code = ErrorCodes.BadUserInput };
                }

                return Observable.Create<object?>(async (observer, cancellation) =>
                {
                    await foreach (var alert in feed.FollowAsync(caller.Subject, after, cancellation))
                    {
                        observer.OnNext(new AlertDelivery(caller, force, purpose, justification, alert));
                    }
                });
            })
            .Resolve(ctx =>
            {
                // Runs once per event, in that event's services: its access scope is what the delivery's log entry names.
                var delivery = (AlertDelivery)ctx.Source!;
                var scope = new AccessScope(delivery.Caller, delivery.Force, delivery.Purpose, delivery.Justification);
                ctx.RequestServices!.GetRequiredService<RequestAudit>().Opened(scope);
                scope.Returned(AlertQueries.RecordType, delivery.Alert.Id, null);
                return new AlertView(delivery.Alert, Viewer.For(scope));
            });
}
