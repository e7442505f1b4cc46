using System.Text.Json.Nodes;
using ErsouIntel.Api.Audit.Witnesses;
using ErsouIntel.Api.Tests.Identity;
using static ErsouIntel.Api.Tests.Audit.LogToolSteps;

namespace ErsouIntel.Api.Tests.Audit;

/// <summary>A region where Essex's system is also the access log's witness, its key made with <c>witness new-key</c>.</summary>
public sealed class WitnessRegion : RegionWithSignIn
{
    public const string ClientId = "essex-witness";
    public const string Name = "essex.police.uk/witness";

    public string KeyFile { get; } = Path.Combine(Path.GetTempPath(), $"ersou-witness-key-{Guid.NewGuid():N}");

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        var (_, signer, verifier) = await RunAsync("witness", ["new-key", "--name", Name]);
        await File.WriteAllTextAsync(KeyFile, signer);
        Assert.Equal(0, (await AdminAsync(["add-client", "--client-id", ClientId, "--force", "ESSEX"], SecretOf(ClientId))).Exit);
        var added = await AdminAsync(["add-witness", "--client-id", ClientId, "--name", Name, "--verifier-key", verifier.Trim()]);
        Assert.True(added.Exit == 0, added.Error);
    }

    public override async Task DisposeAsync()
    {
        File.Delete(KeyFile);
        await base.DisposeAsync();
    }
}

/// <summary>
/// <c>witness run</c> as a force runs it, against the real service over HTTP: it cosigns the newest checkpoint after
/// checking it extends the last one it cosigned, and refuses, loudly and without touching its state, a log that is
/// smaller or different from what it cosigned before.
/// </summary>
public sealed class WitnessRunTests(WitnessRegion region) : IClassFixture<WitnessRegion>, IDisposable
{
    private readonly string state = Path.Combine(Path.GetTempPath(), $"ersou-witness-state-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(state);

    [Fact]
    public async Task A_witness_cosigns_the_newest_checkpoint_and_then_one_that_extends_it()
    {
        await region.SomeEntriesAsync();
        var first = await region.CheckpointCoveringTheLogAsync();

        var run = await WitnessAsync(LogVerifierKey(first));

        // Nothing a witness does is an entry of the log, so the checkpoint it cosigned is still the newest.
        Assert.True(run.Exit == 0, run.Output + run.Error);
        var cosigned = await region.LatestCheckpointAsync();
        Assert.Equal(first["treeSize"]!.GetValue<long>(), cosigned!["treeSize"]!.GetValue<long>());
        Assert.Contains(WitnessRegion.Name, CosignedBy(cosigned));
        Assert.Equal(first["treeSize"]!.GetValue<long>(), JsonNode.Parse(await File.ReadAllTextAsync(state))!["treeSize"]!.GetValue<long>());

        // The log grows; the next round checks the consistency proof from the size it cosigned, then cosigns.
        await region.SomeEntriesAsync();
        var grown = await region.CheckpointCoveringTheLogAsync();
        var again = await WitnessAsync(null);
        Assert.True(again.Exit == 0, again.Output + again.Error);
        Assert.Contains($"consistent with size {first["treeSize"]}", again.Output, StringComparison.Ordinal);
        var after = await region.LatestCheckpointAsync();
        Assert.Equal(grown["treeSize"]!.GetValue<long>(), after!["treeSize"]!.GetValue<long>());
        Assert.Contains(WitnessRegion.Name, CosignedBy(after));

        // A round with nothing new cosigns nothing again.
        var idle = await WitnessAsync(null);
        Assert.True(idle.Exit == 0, idle.Output + idle.Error);
        Assert.Contains("already cosigned", idle.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_log_smaller_than_the_one_cosigned_is_refused_with_exit_3_and_the_state_kept()
    {
        await region.SomeEntriesAsync();
        var checkpoint = await region.CheckpointCoveringTheLogAsync();
        var vkey = LogVerifierKey(checkpoint);
        Assert.Equal(0, (await WitnessAsync(vkey)).Exit);

        // What the witness remembers is bigger than anything the log now signs: its newest entries were cut.
        var remembered = JsonNode.Parse(await File.ReadAllTextAsync(state))!;
        var cutFrom = remembered["treeSize"]!.GetValue<long>() + 1000;
        remembered["treeSize"] = cutFrom;
        await File.WriteAllTextAsync(state, remembered.ToJsonString());
        var evidence = await File.ReadAllBytesAsync(state);

        var run = await WitnessAsync(null);

        Assert.True(run.Exit == WitnessRun.Refused, run.Output + run.Error);
        Assert.Contains("REFUSED", run.Error, StringComparison.Ordinal);
        Assert.Contains("CUT", run.Error, StringComparison.Ordinal);
        Assert.Contains($"size {cutFrom}", run.Error, StringComparison.Ordinal);
        Assert.Equal(evidence, await File.ReadAllBytesAsync(state));
    }

    [Fact]
    public async Task A_log_whose_root_changed_at_a_size_already_cosigned_is_refused_as_rewritten()
    {
        await region.SomeEntriesAsync();
        var checkpoint = await region.CheckpointCoveringTheLogAsync();
        Assert.Equal(0, (await WitnessAsync(LogVerifierKey(checkpoint))).Exit);

        // Another root for a smaller size the witness cosigned: the consistency proof from it cannot verify.
        await region.SomeEntriesAsync();
        await region.CheckpointCoveringTheLogAsync();
        var remembered = JsonNode.Parse(await File.ReadAllTextAsync(state))!;
        remembered["rootHash"] = Convert.ToBase64String(new byte[32]);
        await File.WriteAllTextAsync(state, remembered.ToJsonString());
        var evidence = await File.ReadAllBytesAsync(state);

        var run = await WitnessAsync(null);

        Assert.True(run.Exit == WitnessRun.Refused, run.Output + run.Error);
        Assert.Contains("REWRITTEN", run.Error, StringComparison.Ordinal);
        Assert.Equal(evidence, await File.ReadAllBytesAsync(state));
    }

    [Fact]
    public async Task The_newest_entries_deleted_with_their_checkpoints_as_the_database_owner_are_caught_by_the_witness_before_and_after_the_log_grows_again()
    {
        await region.SomeEntriesAsync();
        var before = await region.CheckpointCoveringTheLogAsync();
        var vkey = LogVerifierKey(before);
        await region.SomeEntriesAsync();
        var cosigned = (await region.CheckpointCoveringTheLogAsync())["treeSize"]!.GetValue<long>();
        Assert.Equal(0, (await WitnessAsync(vkey)).Exit);

        // Someone holding the database deletes the newest entries, their leaves and every checkpoint that covered them:
        // what is left is a smaller log whose chain, tree and checkpoints all agree (verifyAccessLog finds nothing).
        var keep = before["treeSize"]!.GetValue<long>();
        // In one transaction under the append and signing locks, as a careful attacker would: no checkpoint is signed
        // half-way through.
        await InOneTransactionAsync(
            $"select pg_advisory_xact_lock({Api.Audit.Writing.AccessLogWriter.AppendLock}); select pg_advisory_xact_lock({Api.Audit.Checkpoints.CheckpointSigner.SignLock}); " +
            $"delete from ersou.access_log_signatures where tree_size > {keep}; delete from ersou.access_log_checkpoints where tree_size > {keep}; " +
            $"delete from ersou.access_log_tree where (index + 1) * (1::bigint << level) > {keep}; delete from ersou.access_log where sequence > {keep};");
        var verification = await region.VerifiesAsync();
        Assert.True(verification["valid"]!.GetValue<bool>(), $"The scenario is a cut only a witness can see, yet verifyAccessLog saw it: {verification.ToJsonString()}");
        var evidence = await File.ReadAllBytesAsync(state);

        var cut = await WitnessAsync(null);
        Assert.True(cut.Exit == WitnessRun.Refused, cut.Output + cut.Error);
        Assert.Contains("CUT", cut.Error, StringComparison.Ordinal);
        Assert.Contains($"size {cosigned}", cut.Error, StringComparison.Ordinal);
        Assert.Equal(evidence, await File.ReadAllBytesAsync(state));

        // The log grows past the size the witness cosigned, with other entries: still refused, as a rewrite.
        while ((await region.CheckpointCoveringTheLogAsync())["treeSize"]!.GetValue<long>() <= cosigned)
        {
            await region.SomeEntriesAsync();
        }

        var rewritten = await WitnessAsync(null);
        Assert.True(rewritten.Exit == WitnessRun.Refused, rewritten.Output + rewritten.Error);
        Assert.Contains("REWRITTEN", rewritten.Error, StringComparison.Ordinal);
        Assert.Equal(evidence, await File.ReadAllBytesAsync(state));
    }

    [Fact]
    public async Task The_first_run_needs_the_logs_key_and_a_secret()
    {
        var noKey = await WitnessAsync(null);
        Assert.Equal(2, noKey.Exit);
        Assert.Contains("--log-vkey is required", noKey.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(state));
    }

    private Task<(int Exit, string Output, string Error)> WitnessAsync(string? logVerifierKey)
    {
        string[] args = ["run", "--state", state, "--url", region.Http.BaseAddress!.ToString(), "--client-id", WitnessRegion.ClientId, "--key", region.KeyFile, "--once"];
        if (logVerifierKey is not null)
        {
            args = [.. args, "--log-vkey", logVerifierKey];
        }

        // The secret from the environment variable, as a service manager would pass it.
        var secret = RegionWithSignIn.SecretOf(WitnessRegion.ClientId);
        return RunAsync("witness", args, environment: name => name == WitnessRun.SecretVariable ? secret : null);
    }

    private async Task InOneTransactionAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(region.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var command = new Npgsql.NpgsqlCommand(sql, connection, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    private static string LogVerifierKey(JsonNode checkpoint) => checkpoint["verifierKeys"]![0]!.GetValue<string>();

    private static IEnumerable<string> CosignedBy(JsonNode checkpoint) => checkpoint["cosignedBy"]!.AsArray().Select(n => n!.GetValue<string>());
}
