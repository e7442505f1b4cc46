using System.Security.Cryptography;
using GraphQL;
using Microsoft.AspNetCore.DataProtection;

namespace ErsouIntel.Api.GraphQL;

/// <summary>
/// Cursors of answers the service computes rather than reads in order (link questions): sealed with
/// ASP.NET Core Data Protection (authenticated encryption, keys shared by every instance through the
/// database), bound to the caller and to the question, and valid for <see cref="Lifetime"/>. Nothing
/// in one decodes; a changed, foreign or stale cursor is one error, the same for all three, so an
/// answer says nothing of why.
/// </summary>
public sealed class SealedCursors(IDataProtectionProvider protection, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public string Seal(string subject, string question, string position) =>
        Protector(subject, question).Protect(position, clock.GetUtcNow() + Lifetime);

    public string Open(string subject, string question, string cursor)
    {
        try
        {
            var position = Protector(subject, question).Unprotect(cursor, out var expires);
            if (expires > clock.GetUtcNow())
            {
                return position;
            }
        }
        catch (CryptographicException)
        {
        }
        catch (FormatException)
        {
        }

        throw new ExecutionError("after is not a cursor this question gave you in the last 24 hours.") { Code = ErrorCodes.BadUserInput };
    }

    private ITimeLimitedDataProtector Protector(string subject, string question) =>
        protection.CreateProtector("ErsouIntel.LinkCursor.v1", subject, question).ToTimeLimitedDataProtector();
}
