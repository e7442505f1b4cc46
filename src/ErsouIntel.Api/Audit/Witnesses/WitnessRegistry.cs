using ErsouIntel.Api.Storage;
using ErsouIntel.Domain.Transparency;
using Npgsql;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace ErsouIntel.Api.Audit.Witnesses;

/// <summary>A force system registered as a witness of the access log: its client, its name and its cosignature verifier key (type 0x04).</summary>
public sealed record Witness(string ClientId, string Name, NoteVerifier Key);

/// <summary>
/// <c>ersou.log_witnesses</c>: who witnesses the log (<c>admin add-witness</c>). The token server grants
/// <c>log:witness</c> only to a client listed here, and a cosignature is checked against the key listed for
/// the client that sends it, whatever name the line gives.
/// </summary>
public sealed class WitnessRegistry(NpgsqlDataSource db)
{
    public const string Table = "ersou.log_witnesses";

    public static IEnumerable<Weasel.Core.ISchemaObject> Objects()
    {
        var witnesses = new Table(EventStore.Table("log_witnesses"));
        witnesses.AddColumn<string>("client_id").AsPrimaryKey();
        witnesses.AddColumn<string>("name").NotNull();
        witnesses.AddColumn<string>("verifier_key").NotNull();
        witnesses.AddColumn("added_at", "timestamptz").NotNull();
        witnesses.Indexes.Add(new IndexDefinition("log_witnesses_name") { Columns = ["name"], IsUnique = true });
        yield return witnesses;
    }

    /// <summary>Registers (or re-keys) a witness; the key must be a cosignature/v1 verifier key named <paramref name="name"/>.</summary>
    public async Task AddAsync(string clientId, string name, string verifierKey, CancellationToken cancellation)
    {
        if (!NoteVerifier.TryParse(verifierKey, out var key) || key is null || key.Type != NoteKeyName.CosignatureV1Type)
        {
            throw new ArgumentException("--verifier-key must be a C2SP verifier key of type 0x04 (cosignature/v1): name+keyid+base64(0x04 || Ed25519 public key).");
        }

        if (key.Name != name)
        {
            throw new ArgumentException($"The verifier key is named '{key.Name}', not '{name}': a witness's cosignatures carry its name.");
        }

        await using var command = db.CreateCommand(
            $"insert into {Table}(client_id, name, verifier_key, added_at) values ($1, $2, $3, now()) " +
            "on conflict (client_id) do update set name = excluded.name, verifier_key = excluded.verifier_key, added_at = excluded.added_at");
        command.Parameters.AddWithValue(clientId);
        command.Parameters.AddWithValue(name);
        command.Parameters.AddWithValue(verifierKey);
        await command.ExecuteNonQueryAsync(cancellation);
    }

    public async Task<Witness?> FindAsync(string? clientId, CancellationToken cancellation)
    {
        if (clientId is null)
        {
            return null;
        }

        var all = await ReadAsync($"select client_id, name, verifier_key from {Table} where client_id = $1", clientId, cancellation);
        return all.SingleOrDefault();
    }

    /// <summary>Every witness, by name.</summary>
    public Task<IReadOnlyList<Witness>> AllAsync(CancellationToken cancellation) =>
        ReadAsync($"select client_id, name, verifier_key from {Table} order by name", null, cancellation);

    private async Task<IReadOnlyList<Witness>> ReadAsync(string sql, string? clientId, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand(sql);
        if (clientId is not null)
        {
            command.Parameters.AddWithValue(clientId);
        }

        var witnesses = new List<Witness>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            witnesses.Add(new Witness(reader.GetString(0), reader.GetString(1), NoteVerifier.Parse(reader.GetString(2))));
        }

        return witnesses;
    }
}
