using System.Text.Json;
using System.Text.Json.Nodes;
using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Audit.Exporting;
using ErsouIntel.Api.Audit.Writing;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain.Transparency;
using Npgsql;
using static ErsouIntel.Api.Tests.Audit.LogToolSteps;

namespace ErsouIntel.Api.Tests.Audit;

/// <summary>
/// <c>log new-key</c>, <c>witness new-key</c> and <c>log verify</c>: an auditor given an export and a checkpoint kept
/// elsewhere proves, with nothing but the command, that the export is the log the checkpoint signed, and is told which
/// check failed when it is not: the signature, a cut, or a rewrite.
/// </summary>
public sealed class OfflineLogVerificationTests(ServiceFixture service) : IClassFixture<ServiceFixture>, IDisposable
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private readonly string folder = Directory.CreateTempSubdirectory("ersou-log-verify-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Log_new_key_prints_a_signer_key_for_the_origin_and_its_verifier_key_apart()
    {
        var (exit, output, error) = await RunAsync("log", ["new-key", "--origin", "intel.example/access-log"]);

        Assert.Equal(0, exit);
        var signer = NoteSigner.Parse(output.Trim());
        var verifier = NoteVerifier.Parse(error.Trim());
        Assert.Equal("intel.example/access-log", signer.Name);
        Assert.Equal(NoteKeyName.Ed25519Type, signer.Type);
        Assert.Equal(signer.Verifier.ToString(), verifier.ToString());
        Assert.DoesNotContain("PRIVATE", error, StringComparison.Ordinal);
        Assert.Equal(2, (await RunAsync("log", ["new-key", "--origin", "has space"])).Exit);
    }

    [Fact]
    public async Task Witness_new_key_prints_a_cosignature_key_that_admin_add_witness_takes()
    {
        var (exit, output, error) = await RunAsync("witness", ["new-key", "--name", "essex.police.uk/witness"]);

        Assert.Equal(0, exit);
        var signer = NoteSigner.Parse(output.Trim());
        var verifier = NoteVerifier.Parse(error.Trim());
        Assert.Equal(NoteKeyName.CosignatureV1Type, verifier.Type);
        Assert.Equal("essex.police.uk/witness", verifier.Name);
        var line = Cosignature.Sign(signer, "o\n1\n" + Convert.ToBase64String(new byte[32]) + "\n", 1_700_000_000);
        Assert.True(Cosignature.TryVerify(verifier, "o\n1\n" + Convert.ToBase64String(new byte[32]) + "\n", line, out _));
    }

    [Fact]
    public async Task An_honest_export_and_checkpoint_verify()
    {
        var (export, checkpoint, vkey, _) = await ExportAndCheckpointAsync();

        var (exit, output, error) = await RunAsync("log", ["verify", "--export", export, "--checkpoint", checkpoint, "--vkey", vkey]);

        Assert.True(exit == 0, output + error);
        Assert.Contains("VERIFIED", output, StringComparison.Ordinal);
        Assert.Empty(error);
    }

    [Fact]
    public async Task An_export_cut_short_of_the_checkpoint_is_named_a_cut()
    {
        var (export, checkpoint, vkey, size) = await ExportAndCheckpointAsync();
        // The newest entries the checkpoint covers are gone: header, entries 1..size-2, nothing after.
        var lines = await File.ReadAllLinesAsync(export);
        await File.WriteAllLinesAsync(export, lines.Take((int)size - 1));

        var (exit, output, error) = await RunAsync("log", ["verify", "--export", export, "--checkpoint", checkpoint, "--vkey", vkey]);

        Assert.True(exit == 1, output + error);
        Assert.Contains("FAILED cut", error, StringComparison.Ordinal);
        Assert.DoesNotContain("FAILED signature", error, StringComparison.Ordinal);
        Assert.DoesNotContain("FAILED rewritten", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rewritten_entry_is_named_a_rewrite_even_with_its_chain_rewritten_to_match()
    {
        var (export, checkpoint, vkey, _) = await ExportAndCheckpointAsync();
        // Whoever holds the database rewrites entry 2's justification and recomputes every hash after it, so the chain
        // holds: only the checkpoint kept elsewhere can tell.
        var lines = (await File.ReadAllLinesAsync(export)).ToList();
        var previous = AccessLogChain.Genesis;
        for (var i = 1; i < lines.Count - 1; i++)
        {
            var line = JsonNode.Parse(lines[i])!;
            var entry = line["entry"]!;
            entry["previousHash"] = previous;
            if (entry["sequence"]!.GetValue<long>() == 2)
            {
                entry["justification"] = $"Edited in the file {Guid.NewGuid():N}";
            }

            var stored = entry.Deserialize<StoredEntry>(Web)!;
            previous = AccessLogChain.Hash(stored);
            line["hash"] = previous;
            lines[i] = line.ToJsonString();
        }

        await File.WriteAllLinesAsync(export, lines);

        var (exit, output, error) = await RunAsync("log", ["verify", "--export", export, "--checkpoint", checkpoint, "--vkey", vkey]);

        Assert.True(exit == 1, output + error);
        Assert.Contains("FAILED rewritten", error, StringComparison.Ordinal);
        Assert.Contains("chain: ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("FAILED cut", error, StringComparison.Ordinal);
        Assert.DoesNotContain("FAILED signature", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_whole_tail_rewritten_in_the_database_with_its_chain_tree_and_checkpoints_is_caught_only_by_a_checkpoint_kept_elsewhere()
    {
        await service.SomeEntriesAsync();
        var kept = await service.CheckpointCoveringTheLogAsync();
        var keptFile = Path.Combine(folder, "kept-checkpoint");
        await File.WriteAllTextAsync(keptFile, kept["note"]!.GetValue<string>());
        var vkey = kept["verifierKeys"]![0]!.GetValue<string>();

        await RewriteTheLogFromAsync(2, $"Rewritten in the database {Guid.NewGuid():N}");
        var resigned = await service.CheckpointCoveringTheLogAsync();
        var verification = await service.VerifiesAsync();
        Assert.True(verification["valid"]!.GetValue<bool>(), $"The scenario is a rewrite the database cannot see, yet verifyAccessLog saw it: {verification.ToJsonString()}");
        Assert.NotEqual(kept["rootHash"]!.GetValue<string>(), resigned["rootHash"]!.GetValue<string>());

        var export = Path.Combine(folder, "rewritten.ndjson");
        Assert.Equal(0, await AccessLogExport.RunAsync(service.Services, ["--file", export], TextWriter.Null, TextWriter.Null));
        var (exit, output, error) = await RunAsync("log", ["verify", "--export", export, "--checkpoint", keptFile, "--vkey", vkey]);

        Assert.True(exit == 1, output + error);
        Assert.Contains("FAILED rewritten", error, StringComparison.Ordinal);
        Assert.DoesNotContain("FAILED chain", error, StringComparison.Ordinal);
        Assert.DoesNotContain("FAILED signature", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_checkpoint_checked_with_another_key_of_the_same_name_is_named_a_signature_failure()
    {
        var (export, checkpoint, vkey, _) = await ExportAndCheckpointAsync();
        var impostor = NoteSigner.Generate(NoteVerifier.Parse(vkey).Name).Verifier.ToString();

        var (exit, output, error) = await RunAsync("log", ["verify", "--export", export, "--checkpoint", checkpoint, "--vkey", impostor]);
        var none = await RunAsync("log", ["verify", "--export", export, "--checkpoint", checkpoint]);

        Assert.True(exit == 1, output + error);
        Assert.Contains("FAILED signature", error, StringComparison.Ordinal);
        Assert.DoesNotContain("FAILED cut", error, StringComparison.Ordinal);
        Assert.DoesNotContain("FAILED rewritten", error, StringComparison.Ordinal);
        Assert.Equal(1, none.Exit);
        Assert.Contains("FAILED signature", none.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_export_writes_its_own_consultation_naming_the_range()
    {
        await service.SomeEntriesAsync();
        var head = await service.HeadAsync();
        var file = Path.Combine(folder, "ranged.ndjson");

        var logged = await service.LoggedWhileAsync(async () =>
            Assert.Equal(0, await AccessLogExport.RunAsync(service.Services, ["--file", file, "--from", "2", "--operator", "jo.auditor"], TextWriter.Null, TextWriter.Null)));

        var entry = AccessLogSteps.OneOf(logged, "CONSULTATION");
        Assert.Equal("operator:jo.auditor", entry.Subject);
        Assert.Equal("audit-export", entry.Operation);
        Assert.Equal($"Access log export: entries 2 to {head}", entry.Justification);
        // The export is of the snapshot before its own entry: entries 2 to head, not the export's.
        var last = JsonNode.Parse((await File.ReadAllLinesAsync(file))[^1])!;
        Assert.Equal(head - 1, last["entries"]!.GetValue<long>());
    }

    /// <summary>
    /// What someone holding the database can do: change an entry, recompute the chain after it, drop the tree and every
    /// checkpoint; the service then rebuilds the tree from the rewritten entries and signs them afresh.
    /// </summary>
    private async Task RewriteTheLogFromAsync(long sequence, string justification)
    {
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var take = new NpgsqlCommand($"select pg_advisory_xact_lock({AccessLogWriter.AppendLock})", connection, transaction))
        {
            await take.ExecuteNonQueryAsync();
        }

        var entries = new List<StoredEntry>();
        await using (var read = new NpgsqlCommand($"select {AccessLogSchema.Columns} from {AccessLogSchema.Table} l order by l.sequence", connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                entries.Add(AccessLogSchema.Read(reader).Entry);
            }
        }

        var previous = AccessLogChain.Genesis;
        foreach (var stored in entries)
        {
            var entry = stored.Sequence == sequence ? stored with { Justification = justification, PreviousHash = previous } : stored with { PreviousHash = previous };
            var hash = AccessLogChain.Hash(entry);
            if (stored.Sequence >= sequence)
            {
                await using var update = new NpgsqlCommand("update ersou.access_log set justification = $1, previous_hash = $2, hash = $3 where sequence = $4", connection, transaction);
                update.Parameters.Add(new NpgsqlParameter { Value = (object?)entry.Justification ?? DBNull.Value });
                update.Parameters.Add(new NpgsqlParameter { Value = previous });
                update.Parameters.Add(new NpgsqlParameter { Value = hash });
                update.Parameters.Add(new NpgsqlParameter { Value = stored.Sequence });
                await update.ExecuteNonQueryAsync();
            }

            previous = hash;
        }

        await using (var drop = new NpgsqlCommand("delete from ersou.access_log_signatures; delete from ersou.access_log_checkpoints; delete from ersou.access_log_tree", connection, transaction))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    /// <summary>An export from sequence 1, the checkpoint covering it saved as a witness would, and the log's verifier key as published.</summary>
    private async Task<(string Export, string Checkpoint, string VerifierKey, long Size)> ExportAndCheckpointAsync()
    {
        await service.SomeEntriesAsync();
        var checkpoint = await service.CheckpointCoveringTheLogAsync();
        var note = Path.Combine(folder, $"checkpoint-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(note, checkpoint["note"]!.GetValue<string>());
        var export = Path.Combine(folder, $"export-{Guid.NewGuid():N}.ndjson");
        Assert.Equal(0, await AccessLogExport.RunAsync(service.Services, ["--file", export], TextWriter.Null, TextWriter.Null));
        return (export, note, checkpoint["verifierKeys"]![0]!.GetValue<string>(), checkpoint["treeSize"]!.GetValue<long>());
    }
}
