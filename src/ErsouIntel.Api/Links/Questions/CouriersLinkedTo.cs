using ErsouIntel.Api.Access;
using ErsouIntel.Api.GraphQL;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Links.Questions;

/// <summary><c>couriersLinkedTo(entity, maxHops, first, after)</c>: linkedCouriers from any start, a page at a time.</summary>
public static class CouriersLinkedToField
{
    public static void AddTo(ObjectGraphType<AccessScope> scope) =>
        scope.Field<NonNullGraphType<CourierLinkConnectionGraphType>>("couriersLinkedTo")
            .Description("Every courier within maxHops (1 to 4) of the start, nearest first, a page of first (1 to 200) at a time.")
            .Argument<NonNullGraphType<EntityRefInputGraphType>>("entity")
            .Argument<IntGraphType>("maxHops", arg => arg.DefaultValue = 2)
            .Argument<IntGraphType>("first", arg => arg.DefaultValue = 50)
            .Argument<StringGraphType>("after")
            .WithComplexityImpact(context => LinkBudget.Weight(context, "maxHops", 2))
            .ResolveAsync(ctx => throw new ExecutionError("couriersLinkedTo is not built yet.") { Code = ErrorCodes.Internal });
}
