using ErsouIntel.Api.Access;
using ErsouIntel.Api.Identity;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Audit;

/// <summary>
/// The kinds of processing the Data Protection Act 2018 s.62 asks to be logged, and
/// <see cref="Refused"/>: an attempt by a signed-in caller that was not allowed.
/// </summary>
public enum AccessKind { Collection, Alteration, Consultation, Disclosure, Combination, Erasure, Refused }

/// <summary>
/// A signed-in caller's attempt that was refused (FORBIDDEN, JUSTIFICATION_REQUIRED, unusable input
/// to <c>access</c>, a record by id they were not given): who, why they said they asked, and the
/// records they named.
/// </summary>
public sealed record AuditedRefusal(Caller Caller, Purpose? Purpose, string? Justification, IReadOnlyList<LoggedRecord> Records);

/// <summary>A write a request made to a record: what the access log names for collection, alteration and combination.</summary>
/// <param name="Purpose">Why, when the write has a reason (a case's action): logged with the entry.</param>
/// <param name="Justification">The write's justification, when it has one (a case's or its action's).</param>
public sealed record AuditedChange(AccessKind Kind, string Type, Guid Id, Force? Force, Purpose? Purpose = null, string? Justification = null);

/// <summary>
/// What one request did with records, gathered while it executes (scoped: one per HTTP request)
/// and written to the access log before the response leaves: the access scopes it opened, with
/// the records each handed out, and the changes its mutations made.
/// </summary>
public sealed class RequestAudit
{
    private readonly List<AccessScope> scopes = [];
    private readonly List<AuditedChange> changes = [];
    private readonly List<IReadOnlyList<long>> logReads = [];
    private readonly List<AuditedRefusal> refusals = [];

    public IReadOnlyList<AccessScope> Scopes => scopes;

    public IReadOnlyList<AuditedChange> Changes => changes;

    /// <summary>The attempts refused outside an access scope, one entry each.</summary>
    public IReadOnlyList<AuditedRefusal> Refusals => refusals;

    /// <summary>The access-log entries an auditor was shown, one list per <c>accessLog</c> or <c>verifyAccessLog</c> call.</summary>
    public IReadOnlyList<IReadOnlyList<long>> LogReads => logReads;

    public void Opened(AccessScope scope)
    {
        lock (scopes)
        {
            scopes.Add(scope);
        }
    }

    public void Changed(AccessKind kind, string type, Guid id, Force? force, Purpose? purpose = null, string? justification = null)
    {
        lock (changes)
        {
            changes.Add(new AuditedChange(kind, type, id, force, purpose, justification));
        }
    }

    /// <summary>Notes that an auditor read the log: the sequences of the entries shown (none for a verification).</summary>
    public void ReadTheLog(IEnumerable<long> sequences)
    {
        lock (logReads)
        {
            logReads.Add(sequences.ToList());
        }
    }

    /// <summary>Notes an attempt that was refused; the log gets one REFUSED entry for it, as an allowed call would have had one entry.</summary>
    public void Refused(Caller caller, Purpose? purpose = null, string? justification = null, IReadOnlyList<LoggedRecord>? records = null)
    {
        lock (refusals)
        {
            refusals.Add(new AuditedRefusal(caller, purpose, justification, records ?? []));
        }
    }
}
