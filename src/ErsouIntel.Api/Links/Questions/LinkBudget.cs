using ErsouIntel.Api.GraphQL;
using GraphQL;
using GraphQL.Validation.Complexity;
using Microsoft.Extensions.Options;

namespace ErsouIntel.Api.Links.Questions;

/// <summary>
/// The walk bound, per request: every link question of one request (aliases included) walks out of
/// one allowance of <see cref="LinkGraphOptions.MaxIncidentsWalked"/> incidents. A question that
/// meets the end of it stops there and says so (<c>complete: false</c> or <c>truncated: true</c>);
/// a question asked after it is spent is refused with QUERY_TOO_COMPLEX. One per request (scoped).
/// </summary>
public sealed class LinkBudget(IOptions<LinkGraphOptions> options)
{
    private int spent;

    public int Bound => options.Value.MaxIncidentsWalked;

    /// <summary>What the next question may walk; refuses the question when nothing is left.</summary>
    public int Allowance()
    {
        var left = Bound - spent;
        if (left <= 0)
        {
            throw new ExecutionError(
                $"This request's link questions have walked {Bound} incidents, the most one request may; ask the rest in another request.")
            { Code = ErrorCodes.QueryTooComplex };
        }

        return left;
    }

    public void Spend(int incidents) => spent += incidents;

    /// <summary>
    /// What a link question weighs in the complexity rules before anything runs: a share of the
    /// operation's limit for each hop it may walk, so that a few questions fit in one request and a
    /// document of many aliased deep walks is refused before it starts (<see cref="GraphQLLimits.MaxComplexity"/>).
    /// An explicit null weighs as the default, as the resolver reads it (<see cref="LinkArguments.Bounded"/>).
    /// </summary>
    public static FieldComplexityResult Weight(FieldImpactContext context, string hopsArgument, int defaultHops) =>
        new(PerHop * Math.Clamp(context.GetArgument<int?>(hopsArgument) ?? defaultHops, 1, 6), 1);

    /// <summary>Complexity of one hop of a link question: four 4-hop questions fill the default limit of 20,000.</summary>
    public const double PerHop = 1_200;
}
