using ErsouIntel.Api.Audit;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Api.Identity;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;

namespace ErsouIntel.Api.Tests.Subscriptions;

/// <summary>One per DI scope: which scope an event's fields resolved in.</summary>
public sealed class ScopeProbe
{
    public Guid Id { get; } = Guid.NewGuid();
}

/// <summary>
/// A test-only subscription field, <c>testTicks(count, everyMs)</c>, for the protocol paths that do not
/// need an alert: it ticks <c>count</c> times and completes. Each tick resolves to "N:scope-id" and
/// notes in its scope's <see cref="RequestAudit"/> a refused entry with justification "tick N" (the
/// only note a test field can make without an access scope), so a test sees which scope each event
/// ran in and that its log entry was written before it arrived. A negative count is refused at the
/// subscribe step, noted the same way. Added to the served schema by the test host alone.
/// </summary>
public static class TestTicks
{
    public const string Field = "testTicks";

    public static void Register(IServiceCollection services)
    {
        services.AddScoped<ScopeProbe>();
        services.AddSingleton(provider =>
        {
            var schema = ActivatorUtilities.CreateInstance<ErsouSchema>(provider);
            var subscription = schema.Subscription as ObjectGraphType ?? new ObjectGraphType { Name = "Subscription" };
            subscription.Field<NonNullGraphType<StringGraphType>>(Field)
                .Argument<NonNullGraphType<IntGraphType>>("count")
                .Argument<NonNullGraphType<IntGraphType>>("everyMs")
                .Resolve(context =>
                {
                    Note(context.RequestServices!, context.User, $"tick {context.Source}");
                    return $"{context.Source}:{context.RequestServices!.GetRequiredService<ScopeProbe>().Id}";
                })
                .ResolveStream(context =>
                {
                    var count = context.GetArgument<int>("count");
                    if (count < 0)
                    {
                        Note(context.RequestServices!, context.User, "refused");
                        throw new ExecutionError("count must not be negative") { Code = ErrorCodes.BadUserInput };
                    }

                    return new Ticks(count, context.GetArgument<int>("everyMs"));
                });
            schema.Subscription = subscription;
            return schema;
        });
        services.AddSingleton<ISchema>(provider => provider.GetRequiredService<ErsouSchema>());
    }

    private static void Note(IServiceProvider services, System.Security.Claims.ClaimsPrincipal? user, string what) =>
        services.GetRequiredService<RequestAudit>().Refused(Caller.From(user)!, justification: what);

    /// <summary>1, 2, ... count, one every <c>everyMs</c>, then complete; stops when unsubscribed.</summary>
    private sealed class Ticks(int count, int everyMs) : IObservable<object?>
    {
        public IDisposable Subscribe(IObserver<object?> observer)
        {
            var stop = new CancellationTokenSource();
            _ = Task.Run(async () =>
            {
                try
                {
                    for (var tick = 1; tick <= count; tick++)
                    {
                        await Task.Delay(everyMs, stop.Token);
                        observer.OnNext(tick);
                    }

                    observer.OnCompleted();
                }
                catch (OperationCanceledException)
                {
                    // Unsubscribed.
                }
            });
            return stop;
        }
    }
}
