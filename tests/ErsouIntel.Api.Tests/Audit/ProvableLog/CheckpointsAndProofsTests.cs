using System.Net;
using System.Net.Http.Headers;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Transparency;
using static ErsouIntel.Api.Tests.Audit.AccessLogSteps;
using static ErsouIntel.Api.Tests.Audit.ProvableLog.ProvableLogSteps;

namespace ErsouIntel.Api.Tests.Audit.ProvableLog;

/// <summary>
/// The log as a Merkle tree, held to RFC 9162 computed the naive way from the rows themselves: the signed
/// checkpoint's root, every inclusion proof, the consistency proofs between signed sizes, the hash tiles, and
/// the refusals (a size never signed, a caller who may not ask).
/// </summary>
public sealed class CheckpointsAndProofsTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task The_signed_checkpoint_is_the_root_of_the_entries_as_stored_and_its_note_verifies_with_the_first_verifier_key()
    {
        await service.SomeReadingAsync();
        var head = await service.HeadAsync();

        var checkpoint = await service.CheckpointAsync(head);
        var size = checkpoint["treeSize"]!.GetValue<long>();
        var leaves = await service.LeavesAsync();

        Assert.Equal(NaiveRoot([.. leaves.Take((int)size)]), Base64(checkpoint, "rootHash"));
        var note = SignedNote.Parse(checkpoint["note"]!.GetValue<string>());
        var logKey = NoteVerifier.Parse(checkpoint["verifierKeys"]![0]!.GetValue<string>());
        Assert.True(note.TryVerify([logKey], out _), "The note does not verify with the log's key.");
        var body = Checkpoint.Parse(note.Text);
        Assert.Equal((checkpoint["origin"]!.GetValue<string>(), size), (body.Origin, body.Size));
        Assert.Equal(logKey.Name, body.Origin);
        Assert.Equal(Base64(checkpoint, "rootHash"), body.RootHash.ToArray());
    }

    [Fact]
    public async Task Every_inclusion_proof_and_the_consistency_proofs_between_signed_sizes_verify_against_the_signed_roots()
    {
        await service.SomeReadingAsync();
        var first = await service.CheckpointAsync(await service.HeadAsync());
        await service.SomeReadingAsync(2);
        var second = await service.CheckpointAsync(await service.HeadAsync());
        var (from, to) = (first["treeSize"]!.GetValue<long>(), second["treeSize"]!.GetValue<long>());
        Assert.True(to > from, $"The log signed no larger checkpoint: {from} then {to}.");
        var page = await service.PostAsAsync(RegionAuditor(), "query Leaves { accessLog(first: 50) { edges { node { sequence leafHash clientId } } } }");
        Assert.True(page.Errors is null, page.ToString());
        var entries = page.Data!["accessLog"]!["edges"]!.AsArray().Select(e => e!["node"]!).ToDictionary(Sequence);
        Assert.NotEmpty(entries);
        var leaves = await service.LeavesAsync();

        for (var sequence = 1L; sequence <= to; sequence++)
        {
            var answer = await service.PostAsAsync(RegionAuditor(), ContractOperations.Text("AccessLogInclusionProof"), new { sequence, treeSize = to });
            Assert.True(answer.Errors is null, answer.ToString());
            var proof = answer.Data!["accessLogInclusionProof"]!;
            var leaf = Base64(proof, "leafHash");
            var path = proof["path"]!.AsArray().Select(p => Convert.FromBase64String(p!.GetValue<string>())).ToList();
            Assert.True(MerkleVerifier.VerifyInclusion(leaf, sequence - 1, to, path, Base64(second, "rootHash")), $"The inclusion proof of {sequence} in {to} does not verify.");
            Assert.Equal(leaves[(int)sequence - 1], leaf);
            if (entries.TryGetValue(sequence, out var entry))
            {
                Assert.Equal(entry["leafHash"]!.GetValue<string>(), proof["leafHash"]!.GetValue<string>());
            }
        }

        var consistency = await service.PostAsAsync(RegionAuditor(), ContractOperations.Text("AccessLogConsistencyProof"), new { fromSize = from, toSize = to });
        Assert.True(consistency.Errors is null, consistency.ToString());
        var consistencyPath = consistency.Data!["accessLogConsistencyProof"]!["path"]!.AsArray().Select(p => Convert.FromBase64String(p!.GetValue<string>())).ToList();
        Assert.True(MerkleVerifier.VerifyConsistency(from, to, consistencyPath, Base64(first, "rootHash"), Base64(second, "rootHash")));
    }

    [Fact]
    public async Task A_size_the_log_never_signed_is_a_bad_input_for_either_proof()
    {
        await service.SomeReadingAsync(1);
        var signed = (await service.CheckpointAsync(await service.HeadAsync()))["treeSize"]!.GetValue<long>();

        var inclusion = await service.PostAsAsync(RegionAuditor(), ContractOperations.Text("AccessLogInclusionProof"), new { sequence = 1, treeSize = signed + 1000 });
        var consistency = await service.PostAsAsync(RegionAuditor(), ContractOperations.Text("AccessLogConsistencyProof"), new { fromSize = 1, toSize = signed + 1000 });
        var outOfTree = await service.PostAsAsync(RegionAuditor(), ContractOperations.Text("AccessLogInclusionProof"), new { sequence = signed + 1, treeSize = signed });

        Assert.Equal(["BAD_USER_INPUT", "BAD_USER_INPUT", "BAD_USER_INPUT"], new[] { inclusion.FirstErrorCode ?? "", consistency.FirstErrorCode ?? "", outOfTree.FirstErrorCode ?? "" });
    }

    [Fact]
    public async Task The_checkpoint_and_the_hash_tiles_are_served_as_tlog_tiles_to_auditors_and_to_nobody_without_a_token()
    {
        await service.SomeReadingAsync(1);
        var checkpoint = await service.CheckpointAsync(await service.HeadAsync());
        var size = checkpoint["treeSize"]!.GetValue<long>();
        Assert.True(size < 256, "The test reads one partial level-0 tile.");
        var leaves = await service.LeavesAsync();

        using var note = await GetAsync("/log/checkpoint", RegionAuditor());
        using var tile = await GetAsync($"/log/tile/0/000.p/{size}", RegionAuditor());
        using var wider = await GetAsync($"/log/tile/0/000.p/{size + 1}", RegionAuditor());
        using var malformed = await GetAsync("/log/tile/0/0.p/1", RegionAuditor());
        using var anonymous = await GetAsync("/log/checkpoint", null);
        using var investigator = await GetAsync($"/log/tile/0/000.p/{size}", TestCaller.Investigator(Force.Essex));

        Assert.Equal("text/plain; charset=utf-8", note.Content.Headers.ContentType!.ToString());
        var served = await note.Content.ReadAsStringAsync();
        Assert.True(served.StartsWith(checkpoint["note"]!.GetValue<string>()[..^1].Split("\n\n")[0], StringComparison.Ordinal), served);
        Assert.Equal(leaves.Take((int)size).SelectMany(l => l).ToArray(), await tile.Content.ReadAsByteArrayAsync());
        Assert.Equal(
            [HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden],
            new[] { wider.StatusCode, malformed.StatusCode, anonymous.StatusCode, investigator.StatusCode });
    }

    private async Task<HttpResponseMessage> GetAsync(string path, TestCaller? caller)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (caller is not null)
        {
            request.Headers.Add(TestCaller.Header, caller.Encode());
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("*/*"));
        return await service.Http.SendAsync(request);
    }
}

/// <summary>With <c>Log:PublicTiles</c> the checkpoint and the hash tiles are anyone's: they hold hashes only.</summary>
public sealed class PublicTilesTests(PublicTilesTests.Service service) : IClassFixture<PublicTilesTests.Service>
{
    public sealed class Service : ServiceFixture
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Log:PublicTiles"] = "true" };
    }

    [Fact]
    public async Task Anyone_may_read_the_checkpoint_and_a_tile_without_a_token()
    {
        await service.SomeReadingAsync(1);
        var size = (await service.CheckpointAsync(await service.HeadAsync()))["treeSize"]!.GetValue<long>();

        using var note = await service.Http.GetAsync("/log/checkpoint");
        using var tile = await service.Http.GetAsync($"/log/tile/0/000.p/{Math.Min(size, 255)}");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (note.StatusCode, tile.StatusCode));
        Assert.StartsWith(LogKeysOrigin, await note.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(Math.Min(size, 255) * 32, (await tile.Content.ReadAsByteArrayAsync()).Length);
    }

    private const string LogKeysOrigin = ErsouIntel.Api.Audit.Checkpoints.LogKeys.DevelopmentOrigin;
}
