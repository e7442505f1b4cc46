using ErsouIntel.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ErsouIntel.Api.Identity;

public enum SignInResult { Succeeded, Failed, LockedOut }

/// <summary>Users: created by the admin command line, signed in on the login page, hashed with ASP.NET Core Identity's hasher.</summary>
public sealed class UserAccounts(IdentityStore store, TimeProvider clock, IOptions<TokenServerOptions> options)
{
    private static readonly PasswordHasher<UserAccount> Hasher = new();

    /// <summary>A hash of a password nobody has, checked when the username is unknown so that both answers take as long.</summary>
    private static readonly string DecoyHash = Hasher.HashPassword(null!, Guid.NewGuid().ToString());

    public async Task<UserAccount> CreateAsync(string username, string role, Force? force, string password, CancellationToken cancellation)
    {
        var user = new UserAccount
        {
            Id = Guid.CreateVersion7(),
            Username = username,
            Role = role,
            Force = force,
            PasswordHash = "",
            CreatedAt = clock.GetUtcNow(),
        };
        user.PasswordHash = Hasher.HashPassword(user, password);
        store.Users.Add(user);
        await store.SaveChangesAsync(cancellation);
        return user;
    }

    public Task<UserAccount?> FindAsync(string username, CancellationToken cancellation) =>
        store.Users.SingleOrDefaultAsync(u => u.Username == username, cancellation);

    /// <summary>The user, when they exist and are not disabled: checked on every token, so disabling stops new ones at once.</summary>
    public async Task<UserAccount?> FindActiveAsync(string? username, CancellationToken cancellation) =>
        username is null ? null : await store.Users.SingleOrDefaultAsync(u => u.Username == username && !u.Disabled, cancellation);

    public Task<List<UserAccount>> ListAsync(CancellationToken cancellation) => store.Users.OrderBy(u => u.Username).ToListAsync(cancellation);

    public async Task<bool> DisableAsync(string username, CancellationToken cancellation)
    {
        var user = await FindAsync(username, cancellation);
        if (user is null)
        {
            return false;
        }

        user.Disabled = true;
        await store.SaveChangesAsync(cancellation);
        return true;
    }

    /// <summary>Checks a password; after <see cref="UserAccount.MaxFailedLogins"/> failures in a row the account locks for a while.</summary>
    public async Task<(SignInResult Result, UserAccount? User)> SignInAsync(string username, string password, CancellationToken cancellation)
    {
        var user = await FindAsync(username, cancellation);
        var now = clock.GetUtcNow();
        if (user is null || user.Disabled)
        {
            Hasher.VerifyHashedPassword(null!, DecoyHash, password);
            return (SignInResult.Failed, null);
        }

        if (user.LockedUntil > now)
        {
            return (SignInResult.LockedOut, null);
        }

        if (Hasher.VerifyHashedPassword(user, user.PasswordHash, password) == PasswordVerificationResult.Failed)
        {
            user.FailedLogins++;
            if (user.FailedLogins >= UserAccount.MaxFailedLogins)
            {
                user.LockedUntil = now + options.Value.LockoutDuration;
                user.FailedLogins = 0;
            }

            await store.SaveChangesAsync(cancellation);
            return (user.LockedUntil > now ? SignInResult.LockedOut : SignInResult.Failed, null);
        }

        user.FailedLogins = 0;
        user.LockedUntil = null;
        await store.SaveChangesAsync(cancellation);
        return (SignInResult.Succeeded, user);
    }
}
