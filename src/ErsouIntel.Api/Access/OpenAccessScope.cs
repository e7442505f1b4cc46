using ErsouIntel.Api.Audit;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Common;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Access;

/// <summary>
/// <c>access(purpose, justification)</c>: the one way into intelligence. The scope opened here is the
/// viewer of every read below it, and what they return is logged with this purpose and justification.
/// A scope refused (not an investigator, no usable justification) is logged as REFUSED with the text given.
/// </summary>
public static class OpenAccessScopeField
{
    public static void AddTo(ObjectGraphType query) =>
        query.Field<NonNullGraphType<AccessScopeGraphType>>("access")
            .Description("Opens an access scope: every read of intelligence names its purpose and a justification of 10 to 500 characters of printable text.")
            .Argument<NonNullGraphType<EnumerationGraphType<Purpose>>>("purpose")
            .Argument<NonNullGraphType<StringGraphType>>("justification")
            .Resolve(ctx =>
            {
                var scope = Authorized(ctx);
                ctx.RequestServices!.GetRequiredService<RequestAudit>().Opened(scope);
                return scope;
            });

    /// <summary>
    /// The scope the field's <c>purpose</c> and <c>justification</c> arguments ask for, when the caller is an
    /// investigator and the justification will do; else the refusal, noted for the log, as an error.
    /// </summary>
    public static AccessScope Authorized(IResolveFieldContext ctx)
    {
        var purpose = ctx.GetArgument<Purpose>("purpose");
        var given = ctx.GetArgument<string>("justification");
        var (caller, force) = Authorize.Investigator(ctx, purpose, given);
        var (justification, refusedWith, problem) = Justification.Check(given);
        if (justification is null)
        {
            Authorize.NoteRefusal(ctx, caller, purpose, given.Trim());
            throw new ExecutionError(problem ?? $"A justification of {Justification.Min} to {Justification.Max} characters is required.") { Code = refusedWith };
        }

        return new AccessScope(caller, force, purpose, justification);
    }
}
