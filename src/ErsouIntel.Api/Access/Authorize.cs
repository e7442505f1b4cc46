using ErsouIntel.Api.Audit;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Api.Identity;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Common;
using GraphQL;

namespace ErsouIntel.Api.Access;

/// <summary>
/// The checks at the top of every resolver. The force always comes from the token. A signed-in
/// caller refused here leaves a REFUSED entry in the access log; a caller without a valid token
/// never gets this far (the endpoint answers 401 and counts it).
/// </summary>
public static class Authorize
{
    public static Caller SignedIn(IResolveFieldContext context)
    {
        if (Caller.From(context.User) is { } caller)
        {
            return caller;
        }

        Telemetry.ErsouMetrics.UnauthenticatedRequest("no_subject");
        throw new ExecutionError("Sign in to use this field.") { Code = ErrorCodes.Unauthenticated };
    }

    /// <summary>A force system: the <c>intel:write</c> scope, bound to one force.</summary>
    public static (Caller Caller, Force Force) ForceSystem(IResolveFieldContext context)
    {
        var caller = SignedIn(context);
        if (!caller.HasScope(Roles.WriteScope) || caller.Force is not { } force)
        {
            throw Refuse(context, caller);
        }

        return (caller, force);
    }

    /// <summary>
    /// An investigator of a force, with the <c>intel:read</c> scope. <paramref name="purpose"/> and
    /// <paramref name="justification"/> are what the caller gave <c>access</c>, for the log when refused.
    /// </summary>
    public static (Caller Caller, Force Force) Investigator(IResolveFieldContext context, Purpose? purpose = null, string? justification = null)
    {
        var caller = SignedIn(context);
        if (!caller.IsInRole(Roles.Investigator) || !caller.HasScope(Roles.ReadScope) || caller.Force is not { } force)
        {
            throw Refuse(context, caller, purpose, justification);
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
            throw Refuse(context, caller);
        }

        return (caller, caller.Force);
    }

    /// <summary>A witness of the access log: a force system registered with <c>admin add-witness</c>, holding <c>log:witness</c>.</summary>
    public static Caller Witness(IResolveFieldContext context)
    {
        var caller = SignedIn(context);
        if (!caller.IsInRole(Roles.Witness) || !caller.HasScope(Roles.WitnessScope))
        {
            throw Refuse(context, caller);
        }

        return caller;
    }

    /// <summary>What an auditor or a witness may read: the log's checkpoints and consistency proofs (hashes, never entries).</summary>
    public static Caller AuditorOrWitness(IResolveFieldContext context)
    {
        var caller = SignedIn(context);
        if (!IsAuditorOrWitness(caller))
        {
            throw Refuse(context, caller);
        }

        return caller;
    }

    public static bool IsAuditorOrWitness(Caller caller) =>
        (caller.IsInRole(Roles.Auditor) && caller.HasScope(Roles.AuditScope)) || (caller.IsInRole(Roles.Witness) && caller.HasScope(Roles.WitnessScope));

    public static ExecutionError Forbidden() => new("You do not have the right to use this field.") { Code = ErrorCodes.Forbidden };

    /// <summary>
    /// Notes a refused attempt for the access log. A justification is kept as given, trimmed, with its
    /// control characters made visible and cut to the longest a justification may be, so that showing
    /// the log never replays what the caller typed.
    /// </summary>
    public static void NoteRefusal(IResolveFieldContext context, Caller caller, Purpose? purpose = null, string? justification = null, IReadOnlyList<LoggedRecord>? records = null) =>
        context.RequestServices!.GetRequiredService<RequestAudit>().Refused(
            caller,
            purpose,
            justification is null ? null : TypedText.MadeSafe(justification.Trim(), AccessScope.MaxJustification),
            records);

    private static ExecutionError Refuse(IResolveFieldContext context, Caller caller, Purpose? purpose = null, string? justification = null)
    {
        NoteRefusal(context, caller, purpose, justification);
        return Forbidden();
    }
}
