using GraphQL.Types;

namespace ErsouIntel.Api.GraphQL;

public sealed class ErsouSchema : Schema
{
    public ErsouSchema(IServiceProvider services, QueryType query, MutationType mutation, SubscriptionType subscription) : base(services)
    {
        Description = "ErsouIntel: intelligence shared across the six forces of the eastern region.";
        Query = query;
        Mutation = mutation;
        Subscription = subscription;
        RegisterTypeMapping(typeof(DateTimeOffset), typeof(ContractDateTimeGraphType));
        RegisterTypeMapping(typeof(DateOnly), typeof(ContractDateGraphType));
    }
}
