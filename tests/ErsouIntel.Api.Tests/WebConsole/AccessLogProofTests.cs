using System.Globalization;
using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Audit.Tree;
using ErsouIntel.Api.Identity;
using ErsouIntel.Api.Tests.Audit;
using ErsouIntel.Api.Tests.WebConsole.Browser;
using ErsouIntel.Domain.Transparency;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;
using static Microsoft.Playwright.Assertions;

namespace ErsouIntel.Api.Tests.WebConsole;

/// <summary>
/// The auditor's page and the signed log, in a real browser by accessible names: "Verify" also says how many entries
/// the latest signed checkpoint covers and which witnesses cosigned it, and an entry's row gives its inclusion proof as
/// a C2SP tlog-proof file that verifies offline against the checkpoint it carries.
/// </summary>
public sealed class AccessLogProofTests(ConsoleFixture console) : ConsoleTest(console), IClassFixture<ConsoleFixture>
{
    private const string WitnessName = "suffolk.police.uk/witness";

    [Fact]
    public async Task An_auditor_sees_the_checkpoint_and_its_witness_and_downloads_an_entrys_proof_that_verifies()
    {
        await SignInAsync("region.auditor");
        var rows = Page.GetByRole(AriaRole.Row);
        await Expect(Page.GetByRole(AriaRole.Button, new() { NameRegex = new("^Download proof of entry ") }).First).ToBeVisibleAsync();

        // A force's witness cosigns the checkpoint that covers the page's own read; nothing it does is logged. While the
        // demo data is still being written, a newer checkpoint may come first: the witness then cosigns again.
        var checkpoint = await Service.CheckpointCoveringTheLogAsync();
        var vkey = checkpoint["verifierKeys"]![0]!.GetValue<string>();
        var verification = Page.GetByRole(AriaRole.Status, new() { Name = "Verification", Exact = true });
        await RegisterTheWitnessAsync();
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                checkpoint = await Service.CheckpointCoveringTheLogAsync();
                await WitnessCosignsAsync(vkey);
                await Button("Verify").ClickAsync();
                await Expect(verification).ToContainTextAsync("Valid");
                var size = checkpoint["treeSize"]!.GetValue<long>();
                var expected = $"Latest signed checkpoint: {size.ToString("N0", CultureInfo.InvariantCulture)} entries, cosigned by {WitnessName}.";
                if ((await verification.InnerTextAsync()).Contains(expected, StringComparison.Ordinal) || attempt == 5)
                {
                    await Expect(verification).ToContainTextAsync(expected);
                    break;
                }
            }
        }
        finally
        {
            File.Delete(witnessKey);
            File.Delete(witnessState);
        }

        // The newest entry on the page: its proof, for the latest checkpoint.
        var sequence = long.Parse(await rows.Nth(1).GetByRole(AriaRole.Rowheader).InnerTextAsync(), CultureInfo.InvariantCulture);
        var download = await Page.RunAndWaitForDownloadAsync(() => Button($"Download proof of entry {sequence}").ClickAsync());
        Assert.Equal($"access-log-entry-{sequence}.tlog-proof", download.SuggestedFilename);
        await Expect(Page.GetByRole(AriaRole.Status, new() { Name = "Inclusion proof", Exact = true })).ToContainTextAsync($"entry {sequence}");

        var text = await File.ReadAllTextAsync(await download.PathAsync());
        var blank = text.IndexOf("\n\n", StringComparison.Ordinal);
        var head = text[..blank].Split('\n');
        Assert.Equal("c2sp.org/tlog-proof@v1", head[0]);
        Assert.Equal($"index {sequence - 1}", head[1]);
        var note = SignedNote.Parse(text[(blank + 2)..]);
        Assert.True(note.TryVerify([NoteVerifier.Parse(checkpoint["verifierKeys"]![0]!.GetValue<string>())], out _), "the proof's checkpoint carries the log's signature");
        var signed = Checkpoint.Parse(note.Text);
        var leaf = await LeafHashAsync(sequence);
        Assert.True(
            MerkleVerifier.VerifyInclusion(leaf, sequence - 1, signed.Size, [.. head[2..].Select(Convert.FromBase64String)], signed.RootHash.Span),
            $"The downloaded proof does not prove entry {sequence} in the checkpoint of {signed.Size}:\n{text}");
    }

    private const string WitnessSecret = "suffolk-witness-secret-value";

    private readonly string witnessKey = Path.Combine(Path.GetTempPath(), $"ersou-console-witness-{Guid.NewGuid():N}");

    private string witnessState => witnessKey + ".json";

    private async Task RegisterTheWitnessAsync()
    {
        var signer = NoteSigner.Generate(WitnessName, NoteKeyName.CosignatureV1Type);
        await File.WriteAllTextAsync(witnessKey, signer.ToPrivateKeyText());
        Assert.Equal(0, await AdminCommands.RunAsync(Service.Services, ["add-client", "--client-id", "suffolk-witness", "--force", "SUFFOLK"], new StringReader(WitnessSecret + "\n"), TextWriter.Null, TextWriter.Null));
        Assert.Equal(0, await AdminCommands.RunAsync(Service.Services, ["add-witness", "--client-id", "suffolk-witness", "--name", WitnessName, "--verifier-key", signer.Verifier.ToString()], new StringReader(""), TextWriter.Null, TextWriter.Null));
    }

    private async Task WitnessCosignsAsync(string logVerifierKey)
    {
        var run = await LogToolSteps.RunAsync("witness", ["run", "--state", witnessState, "--url", Service.BaseUrl, "--client-id", "suffolk-witness", "--key", witnessKey, "--log-vkey", logVerifierKey, "--once"], stdin: WitnessSecret);
        Assert.True(run.Exit == 0, run.Output + run.Error);
    }

    /// <summary>The leaf recomputed from the entry's row as stored, not taken from the service's tree.</summary>
    private async Task<byte[]> LeafHashAsync(long sequence)
    {
        await using var command = Service.Services.GetRequiredService<NpgsqlDataSource>()
            .CreateCommand($"select {AccessLogSchema.Columns} from {AccessLogSchema.Table} l where l.sequence = $1");
        command.Parameters.AddWithValue(sequence);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return AccessLogTree.LeafHash(AccessLogSchema.Read(reader).Entry);
    }
}
