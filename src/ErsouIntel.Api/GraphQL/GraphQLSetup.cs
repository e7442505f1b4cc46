using GraphQL;
using GraphQL.Execution;
using GraphQL.Types;
using GraphQLParser.AST;

namespace ErsouIntel.Api.GraphQL;

internal static partial class GraphQLLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error while resolving {Field}")]
    public static partial void Unhandled(ILogger logger, string field, Exception exception);
}

public static class GraphQLSetup
{
    public static IServiceCollection AddErsouGraphQL(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = configuration.GetSection(GraphQLLimits.Section).Get<GraphQLLimits>() ?? new GraphQLLimits();
        services.Configure<GraphQLLimits>(configuration.GetSection(GraphQLLimits.Section));
        services.AddSingleton<GraphQLHttpEndpoint>();
        services.AddScoped<RequestBatches>();
        services.AddGraphQL(graphql => graphql
            .AddSchema<ErsouSchema>()
            .AddGraphTypes(typeof(ErsouSchema).Assembly)
            .AddSystemTextJson()
            // Spans with the operation's name and type; never its document or variables (personal data).
            .UseTelemetry(telemetry =>
            {
                telemetry.RecordDocument = false;
                telemetry.RecordException = false;
            })
            // Marten sessions are not thread-safe: resolve sibling fields one after another.
            .AddExecutionStrategy<ReadExecutionStrategy>(OperationType.Query)
            .AddExecutionStrategy<MutationExecutionStrategy>(OperationType.Mutation)
            .AddExecutionStrategy<Subscriptions.ScopedSubscriptionStrategy>(OperationType.Subscription)
            .AddComplexityAnalyzer(c =>
            {
                c.MaxDepth = limits.MaxDepth;
                c.MaxComplexity = limits.MaxComplexity;
            })
            .WithTimeout(limits.Timeout)
            .AddErrorInfoProvider<MaskingErrorInfoProvider>()
            .AddUnhandledExceptionHandler(ctx =>
            {
                // Anything not thrown as an ExecutionError is a fault of ours: logged here in full, shown to nobody.
                var logger = ctx.Context?.RequestServices?.GetService<ILogger<GraphQLHttpEndpoint>>();
                if (logger is not null)
                {
                    GraphQLLog.Unhandled(logger, ctx.FieldContext?.FieldDefinition.Name ?? "(document)", ctx.OriginalException);
                }
            }));
        return services;
    }

    public static IEndpointRouteBuilder MapErsouGraphQL(this IEndpointRouteBuilder endpoints)
    {
        // A WebSocket upgrade on the same path speaks graphql-transport-ws (Subscriptions/).
        endpoints.Map("/graphql", (HttpContext http, GraphQLHttpEndpoint endpoint, Subscriptions.GraphQLWsEndpoint live) =>
                http.WebSockets.IsWebSocketRequest ? live.HandleAsync(http) : endpoint.HandleAsync(http))
            .RequireRateLimiting(Protection.AbuseProtection.GraphQLPolicy);
        return endpoints;
    }

    /// <summary>The served schema as SDL, as kept in <c>schema/ersou-intel.graphql</c>.</summary>
    public static string PrintSchema(IServiceProvider services)
    {
        var schema = services.GetRequiredService<ISchema>();
        schema.Initialize();
        return schema.Print(new global::GraphQL.Utilities.PrintOptions { IncludeDescriptions = true }).ReplaceLineEndings("\n").TrimEnd() + "\n";
    }
}
