using GraphQL;
using Microsoft.Extensions.Options;

namespace ErsouIntel.Api.GraphQL.Subscriptions;

/// <summary>What every live socket and stream uses, gathered once (singletons all).</summary>
public sealed class LiveServices(
    IOptions<SubscriptionOptions> options,
    IOptions<GraphQLLimits> limits,
    IGraphQLTextSerializer serializer,
    InitPayloadAuthentication authentication,
    LiveCallers callers,
    LiveSubscribe subscribe,
    TimeProvider clock)
{
    public SubscriptionOptions Options => options.Value;

    public GraphQLLimits Limits => limits.Value;

    public IGraphQLTextSerializer Serializer => serializer;

    public InitPayloadAuthentication Authentication => authentication;

    public LiveCallers Callers => callers;

    public LiveSubscribe Subscribe => subscribe;

    public TimeProvider Clock => clock;
}
