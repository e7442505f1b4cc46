using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Identity;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Access;

/// <summary>A record handed to a caller inside an access scope: what the access log will name.</summary>
public sealed record AccessedRecord(string Type, Guid Id, Force? Force);

/// <summary>
/// The single door every read of intelligence passes through: who reads, why, and which
/// records they were given. The access log (identity issue) writes its entries from
/// <see cref="Records"/> before the response leaves.
/// </summary>
public sealed class AccessScope(Caller caller, Force force, Purpose purpose, string justification)
{
    public const int MinJustification = Domain.Common.Justification.Min;
    public const int MaxJustification = Domain.Common.Justification.Max;

    private readonly HashSet<AccessedRecord> records = [];
    private readonly HashSet<LoggedRecord> refused = [];

    public Caller Caller { get; } = caller;

    public Force Force { get; } = force;

    public string Subject => Caller.Subject;

    public Purpose Purpose { get; } = purpose;

    public string Justification { get; } = justification;

    public IReadOnlyCollection<AccessedRecord> Records => records;

    /// <summary>The records asked for by id and not given: withheld from this caller, or not there at all.</summary>
    public IReadOnlyCollection<LoggedRecord> RefusedRecords => refused;

    /// <summary>Notes that a record was handed out in this scope.</summary>
    public void Returned(string type, Guid id, Force? recordForce)
    {
        lock (records)
        {
            records.Add(new AccessedRecord(type, id, recordForce));
        }
    }

    /// <summary>Notes a record asked for by id that this scope did not give, named with its owning force when it exists.</summary>
    public void Refused(LoggedRecord record)
    {
        lock (refused)
        {
            refused.Add(record);
        }
    }
}
