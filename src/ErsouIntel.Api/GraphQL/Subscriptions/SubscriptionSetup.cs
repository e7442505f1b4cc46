namespace ErsouIntel.Api.GraphQL.Subscriptions;

/// <summary>The live transports' services and the stream's route (the WebSocket shares /graphql's, see <see cref="GraphQLSetup"/>).</summary>
public static class SubscriptionSetup
{
    public static IServiceCollection AddErsouSubscriptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SubscriptionOptions>(configuration.GetSection(SubscriptionOptions.Section));
        services.AddSingleton<LiveCallers>();
        services.AddSingleton<InitPayloadAuthentication>();
        services.AddSingleton<LiveSubscribe>();
        services.AddSingleton<LiveServices>();
        services.AddSingleton<GraphQLWsEndpoint>();
        services.AddSingleton<GraphQLSseEndpoint>();
        services.AddHostedService<LiveCallerCheck>();
        return services;
    }

    public static IEndpointRouteBuilder MapGraphQLStream(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map("/graphql/stream", (HttpContext http, GraphQLSseEndpoint endpoint) => endpoint.HandleAsync(http))
            .RequireRateLimiting(Protection.AbuseProtection.GraphQLPolicy);
        return endpoints;
    }
}
