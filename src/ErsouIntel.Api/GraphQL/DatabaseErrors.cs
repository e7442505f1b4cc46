using ErsouIntel.Api.Storage.Replicas;
using GraphQL;

namespace ErsouIntel.Api.GraphQL;

/// <summary>Failures that mean "the database cannot be had just now": every transport answers them as retryable.</summary>
public static class DatabaseErrors
{
    /// <summary>Whether an exception, or one it wraps, says the database was out of reach (not that a statement was wrong).</summary>
    public static bool Unreachable(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            // Npgsql's multi-host data source says "No suitable host was found" when every host answered but none was
            // the primary (a failover before the promotion): no primary, as retryable as a refused connection.
            if (current is Npgsql.NpgsqlException { IsTransient: true } or System.Net.Sockets.SocketException or TimeoutException
                || (current is Npgsql.NpgsqlException && current.Message.StartsWith("No suitable host", StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// An operation refused before it ran because the primary cannot take a write now (none answers, or a commit would wait
/// for synchronous standbys that are not there). Reads too: every answer is logged on the primary before it leaves.
/// </summary>
public sealed class DatabaseUnavailableError : ExecutionError
{
    public DatabaseUnavailableError(string why)
        : base($"The database cannot take writes just now ({why}), and every answer is logged before it leaves. Send the request again shortly: resending is safe.")
    {
        Code = ErrorCodes.Internal;
    }

    /// <summary>The answer to any operation while nothing can be committed (every answer is logged first), or null when it may run.</summary>
    public static ExecutionResult? Refusal(ReplicationView view) =>
        ReplicationRules.WhyNoWrites(view) is { } why ? new ExecutionResult { Errors = [new DatabaseUnavailableError(why)] } : null;
}
