using ErsouIntel.Domain;
using Microsoft.EntityFrameworkCore;

namespace ErsouIntel.Api.Identity;

/// <summary>
/// The token server's own tables (OpenIddict's applications, authorizations, scopes and tokens)
/// and the users, in schema <c>identity</c> of the service's database, through Entity Framework Core.
/// </summary>
public sealed class IdentityStore(DbContextOptions<IdentityStore> options) : DbContext(options)
{
    public const string Schema = "identity";

    public DbSet<UserAccount> Users => Set<UserAccount>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.UseOpenIddict();
        modelBuilder.Entity<UserAccount>(user =>
        {
            user.ToTable("users");
            user.HasKey(u => u.Id);
            user.HasIndex(u => u.Username).IsUnique();
            user.Property(u => u.Username).HasMaxLength(100);
            user.Property(u => u.Role).HasMaxLength(20);
            user.Property(u => u.Force).HasConversion(f => f.HasValue ? f.Value.TenantId() : null, s => s == null ? null : Forces.FromTenantId(s)).HasMaxLength(20);
        });
    }

    /// <summary>
    /// Creates the identity tables when they are missing. Entity Framework's EnsureCreated does
    /// nothing once any table exists in the database (Marten's do), so the create script runs
    /// itself, once, guarded by a look at the catalogue.
    /// </summary>
    public async Task EnsureSchemaAsync(CancellationToken cancellation = default)
    {
        var connection = Database.GetDbConnection();
        await Database.OpenConnectionAsync(cancellation);
        try
        {
            await using (var exists = connection.CreateCommand())
            {
                exists.CommandText = "select to_regclass('identity.users') is not null";
                if (await exists.ExecuteScalarAsync(cancellation) is true)
                {
                    return;
                }
            }

            await using (var lockCommand = connection.CreateCommand())
            {
                // Two instances starting at once: one creates, the other waits and finds the tables.
                lockCommand.CommandText = "select pg_advisory_lock(4242001)";
                await lockCommand.ExecuteScalarAsync(cancellation);
            }

            try
            {
                await using var again = connection.CreateCommand();
                again.CommandText = "select to_regclass('identity.users') is not null";
                if (await again.ExecuteScalarAsync(cancellation) is not true)
                {
                    // The script is Entity Framework's own, generated from the model: no input of anyone's in it.
                    await using var create = connection.CreateCommand();
                    create.CommandText = $"create schema if not exists {Schema};" + Database.GenerateCreateScript();
                    await create.ExecuteNonQueryAsync(cancellation);
                }
            }
            finally
            {
                await using var unlock = connection.CreateCommand();
                unlock.CommandText = "select pg_advisory_unlock(4242001)";
                await unlock.ExecuteScalarAsync(cancellation);
            }
        }
        finally
        {
            await Database.CloseConnectionAsync();
        }
    }
}
