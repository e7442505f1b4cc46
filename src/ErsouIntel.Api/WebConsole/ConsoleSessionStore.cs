using System.Security.Cryptography;
using System.Text;
using ErsouIntel.Api.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Npgsql;
using Weasel.Postgresql;

namespace ErsouIntel.Api.WebConsole;

/// <summary>
/// The console's sessions, server-side, table <c>ersou.console_sessions</c>: the cookie carries only
/// a random key, the row holds who is signed in. Ending a session deletes its row, so a copied cookie
/// is worth nothing afterwards; every instance reads the same table. The row is found by a hash of the
/// key, so a reader of the table or of a backup cannot make a cookie from it (the cookie is also
/// protected by the shared Data Protection keys).
/// </summary>
public sealed class ConsoleSessionStore(NpgsqlDataSource db, TimeProvider clock) : ITicketStore
{
    public const string Table = "console_sessions";

    private static readonly object CurrentKey = new();

    public static Weasel.Core.ISchemaObject SchemaObject()
    {
#pragma warning disable CS0618 // as DataProtectionKeys: the two-part name is the documented one
        var table = new Weasel.Postgresql.Tables.Table(new PostgresqlObjectName(EventStore.Schema, Table));
#pragma warning restore CS0618
        table.AddColumn<string>("key_hash").AsPrimaryKey();
        table.AddColumn<string>("subject").NotNull();
        table.AddColumn("ticket", "bytea").NotNull();
        table.AddColumn<DateTimeOffset>("expires_at").NotNull();
        return table;
    }

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        // Sessions nobody ended (a closed browser) go when the next one starts.
        await using (var prune = db.CreateCommand($"delete from {EventStore.Schema}.{Table} where expires_at < $1"))
        {
            prune.Parameters.AddWithValue(clock.GetUtcNow());
            await prune.ExecuteNonQueryAsync();
        }

        await using var insert = db.CreateCommand($"insert into {EventStore.Schema}.{Table}(key_hash, subject, ticket, expires_at) values ($1, $2, $3, $4)");
        insert.Parameters.AddWithValue(Hash(key));
        insert.Parameters.AddWithValue(ticket.Principal.FindFirst("sub")?.Value ?? "");
        insert.Parameters.AddWithValue(TicketSerializer.Default.Serialize(ticket));
        insert.Parameters.AddWithValue(ExpiresAt(ticket));
        await insert.ExecuteNonQueryAsync();
        return key;
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        await using var update = db.CreateCommand($"update {EventStore.Schema}.{Table} set ticket = $2, expires_at = $3 where key_hash = $1");
        update.Parameters.AddWithValue(Hash(key));
        update.Parameters.AddWithValue(TicketSerializer.Default.Serialize(ticket));
        update.Parameters.AddWithValue(ExpiresAt(ticket));
        await update.ExecuteNonQueryAsync();
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        await using var select = db.CreateCommand($"select ticket from {EventStore.Schema}.{Table} where key_hash = $1 and expires_at > $2");
        select.Parameters.AddWithValue(Hash(key));
        select.Parameters.AddWithValue(clock.GetUtcNow());
        return await select.ExecuteScalarAsync() is byte[] bytes ? TicketSerializer.Default.Deserialize(bytes) : null;
    }

    /// <summary>Remembers which session the request presented, so that <see cref="RemoveCurrentAsync"/> can end it.</summary>
    public Task<AuthenticationTicket?> RetrieveAsync(string key, HttpContext httpContext, CancellationToken cancellationToken)
    {
        httpContext.Items[CurrentKey] = key;
        return RetrieveAsync(key);
    }

    /// <summary>Ends the session this request presented, if any.</summary>
    public Task RemoveCurrentAsync(HttpContext http) =>
        http.Items[CurrentKey] is string key ? RemoveAsync(key) : Task.CompletedTask;

    /// <summary>The stored name of the session this request presented: a live stream watches that row, never the key itself.</summary>
    public static string? CurrentKeyHash(HttpContext http) =>
        http.Items[CurrentKey] is string key ? Hash(key) : null;

    public async Task RemoveAsync(string key)
    {
        await using var delete = db.CreateCommand($"delete from {EventStore.Schema}.{Table} where key_hash = $1");
        delete.Parameters.AddWithValue(Hash(key));
        await delete.ExecuteNonQueryAsync();
    }

    private DateTimeOffset ExpiresAt(AuthenticationTicket ticket) =>
        ticket.Properties.ExpiresUtc ?? clock.GetUtcNow() + ConsoleCookie.IdleTimeout;

    private static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
