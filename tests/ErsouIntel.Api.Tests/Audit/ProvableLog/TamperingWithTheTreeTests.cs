using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Audit.Verifying;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain.Transparency;
using Npgsql;
using static ErsouIntel.Api.Tests.Audit.AccessLogSteps;
using static ErsouIntel.Api.Tests.Audit.ProvableLog.ProvableLogSteps;

namespace ErsouIntel.Api.Tests.Audit.ProvableLog;

/// <summary>
/// Someone holding the database (these tests connect as its owner) changes the log in the ways a hash chain
/// alone cannot show, and each test names the detector that catches it, as the contract's "who finds what"
/// says. Each scenario has a database of its own.
/// </summary>
public static class TamperingWithTheTree
{
    /// <summary>Rewrites the justification of every entry from <paramref name="from"/> on and recomputes their chain: a chain that verifies.</summary>
    public static async Task RewriteFromAsync(ServiceFixture service, long from, string justification)
    {
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync();
        var rows = new List<StoredEntry>();
        var previous = AccessLogChain.Genesis;
        await using (var read = new NpgsqlCommand($"select {AccessLogSchema.Columns} from {AccessLogSchema.Table} l where l.sequence >= $1 - 1 order by l.sequence", connection))
        {
            read.Parameters.AddWithValue(from);
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var (entry, hash) = AccessLogSchema.Read(reader);
                if (entry.Sequence < from)
                {
                    previous = hash;
                }
                else
                {
                    rows.Add(entry);
                }
            }
        }

        foreach (var row in rows)
        {
            var forged = row with { Justification = justification, PreviousHash = previous };
            previous = AccessLogChain.Hash(forged);
            await using var update = new NpgsqlCommand($"update {AccessLogSchema.Table} set justification = $1, previous_hash = $2, hash = $3 where sequence = $4", connection);
            update.Parameters.AddWithValue(justification);
            update.Parameters.AddWithValue(forged.PreviousHash);
            update.Parameters.AddWithValue(previous);
            update.Parameters.AddWithValue(row.Sequence);
            await update.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>Detector: <c>verifyAccessLog</c>'s stored leaves. An entry edited with the whole chain after it recomputed.</summary>
public sealed class AnEditedEntryWithItsChainRecomputedTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task Is_named_by_verifyAccessLog_at_the_edited_sequence_though_the_chain_verifies()
    {
        await service.SomeReadingAsync(4);
        var head = await service.HeadAsync();
        await service.CheckpointAsync(head);
        var edited = head - 2;

        await TamperingWithTheTree.RewriteFromAsync(service, edited, "Nothing to see here: routine check");
        var verification = await service.VerifiesAsync();

        Assert.False(verification["valid"]!.GetValue<bool>(), verification.ToJsonString());
        Assert.Equal(edited, verification["firstInvalidSequence"]!.GetValue<long>());
    }
}

/// <summary>Detector: <c>verifyAccessLog</c> against the signed checkpoints. The newest entries deleted, the checkpoints left.</summary>
public sealed class TheNewestEntriesDeletedTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task Are_named_by_verifyAccessLog_at_the_first_entry_a_checkpoint_signed_that_is_gone()
    {
        await service.SomeReadingAsync(4);
        var signed = (await service.CheckpointAsync(await service.HeadAsync()))["treeSize"]!.GetValue<long>();
        var kept = signed - 3;

        // The tail and its tree nodes go; the chain of what is left is whole, so the chain alone sees nothing.
        await ExecuteAsync(service.ConnectionString, "delete from ersou.access_log where sequence > $1", kept);
        await ExecuteAsync(service.ConnectionString, "delete from ersou.access_log_tree where ((index + 1) << level) > $1", kept);
        var verification = await service.VerifiesAsync();

        Assert.False(verification["valid"]!.GetValue<bool>(), verification.ToJsonString());
        Assert.Equal(kept + 1, verification["firstInvalidSequence"]!.GetValue<long>());
        Assert.True(await ChainAloneIsValidAsync(), "The chain alone should not see a cut tail: the checkpoints are what found it.");
    }

    private async Task<bool> ChainAloneIsValidAsync()
    {
        var chain = new AccessLogChainWalk();
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select {AccessLogSchema.Columns} from {AccessLogSchema.Table} l order by l.sequence", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var (entry, hash) = AccessLogSchema.Read(reader);
            chain.Add(entry, hash);
        }

        return chain.Result.Valid;
    }
}

/// <summary>
/// The whole tail rewritten with a valid-looking chain, its tree rebuilt and its checkpoints replaced (the log's
/// signer re-signs what it is shown). <c>verifyAccessLog</c> cannot tell: everything it can see agrees. Detectors:
/// a checkpoint kept elsewhere, compared offline with the log as it now is (the offline verifier's rule), and a
/// witness's consistency check from the size it last cosigned.
/// </summary>
public sealed class TheTailRewrittenWithItsCheckpointsTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task Passes_verifyAccessLog_but_not_a_checkpoint_kept_elsewhere_nor_a_witness()
    {
        await service.SomeReadingAsync(4);
        var kept = await service.CheckpointAsync(await service.HeadAsync());
        var keptSize = kept["treeSize"]!.GetValue<long>();
        var keptRoot = Base64(kept, "rootHash");
        var from = keptSize - 3;

        await TamperingWithTheTree.RewriteFromAsync(service, from, "Rewritten by someone holding the database");
        await ExecuteAsync(service.ConnectionString, "delete from ersou.access_log_tree where ((index + 1) << level) > $1", from - 1);
        await ExecuteAsync(service.ConnectionString, "delete from ersou.access_log_signatures where tree_size >= $1", from);
        await ExecuteAsync(service.ConnectionString, "delete from ersou.access_log_checkpoints where tree_size >= $1", from);
        var resigned = await service.CheckpointAsync(keptSize);
        var verification = await service.VerifiesAsync();
        var leaves = await service.LeavesAsync();

        // What the service sees agrees with itself.
        Assert.True(verification["valid"]!.GetValue<bool>(), verification.ToJsonString());
        Assert.NotEqual(keptRoot, NaiveRoot([.. leaves.Take((int)keptSize)]));

        // Offline, with the checkpoint kept elsewhere: the log as it is no longer has that root at that size.
        var offline = new AccessLogTreeWalk([new CheckedCheckpoint(keptSize, keptRoot, true)]);
        foreach (var leaf in leaves)
        {
            offline.Add(leaf);
        }

        offline.Finish();
        Assert.Equal(1, offline.CheckpointsChecked);
        Assert.NotNull(offline.FirstInvalid);

        // A witness that cosigned the kept checkpoint asks for consistency from it: the log signed no such size any more.
        var resignedSize = resigned["treeSize"]!.GetValue<long>();
        var proof = await service.PostAsAsync(RegionAuditor(), ContractOperations.Text("AccessLogConsistencyProof"), new { fromSize = keptSize, toSize = resignedSize });
        if (proof.Errors is null)
        {
            // Had the size been signed again, the proof the service gives could not join the witness's root to the new one.
            var path = proof.Data!["accessLogConsistencyProof"]!["path"]!.AsArray().Select(p => Convert.FromBase64String(p!.GetValue<string>())).ToList();
            Assert.False(MerkleVerifier.VerifyConsistency(keptSize, resignedSize, path, keptRoot, Base64(resigned, "rootHash")));
        }
        else
        {
            Assert.Equal("BAD_USER_INPUT", proof.FirstErrorCode);
        }
    }
}
