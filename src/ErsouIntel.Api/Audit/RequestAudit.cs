using ErsouIntel.Api.Access;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Audit;

/// <summary>The kinds of processing the Data Protection Act 2018 s.62 asks to be logged.</summary>
public enum AccessKind { Collection, Alteration, Consultation, Disclosure, Combination, Erasure }

/// <summary>A write a request made to a record: what the access log names for collection, alteration and combination.</summary>
public sealed record AuditedChange(AccessKind Kind, string Type, Guid Id, Force? Force);

/// <summary>
/// What one request did with records, gathered while it executes (scoped: one per HTTP request)
/// and written to the access log before the response leaves: the access scopes it opened, with
/// the records each handed out, and the changes its mutations made.
/// </summary>
public sealed class RequestAudit
{
    private readonly List<AccessScope> scopes = [];
    private readonly List<AuditedChange> changes = [];

    public IReadOnlyList<AccessScope> Scopes => scopes;

    public IReadOnlyList<AuditedChange> Changes => changes;

    public void Opened(AccessScope scope)
    {
        lock (scopes)
        {
            scopes.Add(scope);
        }
    }

    public void Changed(AccessKind kind, string type, Guid id, Force? force)
    {
        lock (changes)
        {
            changes.Add(new AuditedChange(kind, type, id, force));
        }
    }
}
