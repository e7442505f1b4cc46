using ErsouIntel.Api.GraphQL;
using ErsouIntel.Api.Identity;
using ErsouIntel.Domain;
using GraphQL;

namespace ErsouIntel.Api.Access;

/// <summary>The checks at the top of every resolver. The force always comes from the token.</summary>
public static class Authorize
{
    public static Caller SignedIn(IResolveFieldContext context) =>
        Caller.From(context.User) ?? throw new ExecutionError("Sign in to use this field.") { Code = ErrorCodes.Unauthenticated };

    /// <summary>A force system: the <c>intel:write</c> scope, bound to one force.</summary>
    public static (Caller Caller, Force Force) ForceSystem(IResolveFieldContext context)
    {
        var caller = SignedIn(context);
        if (!caller.HasScope(Roles.WriteScope) || caller.Force is not { } force)
        {
            throw Forbidden();
        }

        return (caller, force);
    }

    /// <summary>An investigator of a force, with the <c>intel:read</c> scope.</summary>
    public static (Caller Caller, Force Force) Investigator(IResolveFieldContext context)
    {
        var caller = SignedIn(context);
        if (!caller.IsInRole(Roles.Investigator) || !caller.HasScope(Roles.ReadScope) || caller.Force is not { } force)
        {
            throw Forbidden();
        }

        return (caller, force);
    }

    /// <summary>
    /// An auditor, with the <c>audit:read</c> scope: region-wide without a force claim, narrowed to
    /// that force with one. Auditors read the access log, never intelligence.
    /// </summary>
    public static (Caller Caller, Force? Force) Auditor(IResolveFieldContext context)
    {
        var caller = SignedIn(context);
        if (!caller.IsInRole(Roles.Auditor) || !caller.HasScope(Roles.AuditScope))
        {
            throw Forbidden();
        }

        return (caller, caller.Force);
    }

    public static ExecutionError Forbidden() => new("You do not have the right to use this field.") { Code = ErrorCodes.Forbidden };
}
