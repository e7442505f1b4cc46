using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Identity;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain.Transparency;

namespace ErsouIntel.Api.Tests.Audit.ProvableLog;

/// <summary>
/// A force system registered with <c>admin add-witness</c> cosigns a checkpoint with its own key (tokens from the
/// real token endpoint): the note carries the line from then on and it verifies with the witness's verifier key;
/// a line by any other key is refused; a force system that is not a witness never gets the scope.
/// </summary>
public sealed class WitnessCosignatureTests(RegionWithSignIn region) : IClassFixture<RegionWithSignIn>
{
    private const string Cosign = "mutation Cosign($treeSize: Long!, $cosignature: String!) { cosignAccessLogCheckpoint(treeSize: $treeSize, cosignature: $cosignature) { checkpoint { treeSize note cosignedBy verifierKeys } errors { code message path } } }";

    [Fact]
    public async Task A_witness_cosignature_is_verified_and_carried_by_the_note_from_then_on()
    {
        var token = await region.WitnessTokenAsync();
        var size = await region.SignedSizeAsync();
        var body = await region.CheckpointBodyAsync(size);
        var line = Cosignature.Sign(RegionWithSignIn.WitnessKey, body, DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToLine();

        var answer = await region.PostWithTokenAsync(token, Cosign, new { treeSize = size, cosignature = line });
        var latest = await region.PostWithTokenAsync(token, ContractOperations.Text("AccessLogCheckpoint"));

        Assert.True(answer.Errors is null, answer.ToString());
        var checkpoint = answer.Data!["cosignAccessLogCheckpoint"]!["checkpoint"]!;
        Assert.Empty(answer.Data!["cosignAccessLogCheckpoint"]!["errors"]!.AsArray());
        Assert.Equal([RegionWithSignIn.WitnessName], checkpoint["cosignedBy"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Contains(RegionWithSignIn.WitnessKey.Verifier.ToString(), checkpoint["verifierKeys"]!.AsArray().Select(n => n!.GetValue<string>()));
        var note = SignedNote.Parse(checkpoint["note"]!.GetValue<string>());
        var cosignature = note.Signatures.Single(s => RegionWithSignIn.WitnessKey.Verifier.Identifies(s));
        Assert.True(Cosignature.TryVerify(RegionWithSignIn.WitnessKey.Verifier, note.Text, cosignature, out _));
        Assert.True(latest.Errors is null, latest.ToString());
        if (latest.Data!["accessLogCheckpoint"]!["treeSize"]!.GetValue<long>() == size)
        {
            Assert.Contains(RegionWithSignIn.WitnessName, latest.Data!["accessLogCheckpoint"]!["cosignedBy"]!.AsArray().Select(n => n!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task A_cosignature_by_another_key_or_of_another_checkpoint_is_refused_and_not_carried()
    {
        var token = await region.WitnessTokenAsync();
        var size = await region.SignedSizeAsync();
        var body = await region.CheckpointBodyAsync(size);
        var impostor = NoteSigner.Generate(RegionWithSignIn.WitnessName, NoteKeyName.CosignatureV1Type);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var byAnotherKey = await region.PostWithTokenAsync(token, Cosign, new { treeSize = size, cosignature = Cosignature.Sign(impostor, body, now).ToLine() });
        var ofAnotherText = await region.PostWithTokenAsync(token, Cosign, new { treeSize = size, cosignature = Cosignature.Sign(RegionWithSignIn.WitnessKey, body.Replace("\n", "\n\n", StringComparison.Ordinal)[..body.Length], now).ToLine() });
        var notALine = await region.PostWithTokenAsync(token, Cosign, new { treeSize = size, cosignature = "hello" });

        foreach (var answer in new[] { byAnotherKey, ofAnotherText, notALine })
        {
            Assert.True(answer.Errors is null, answer.ToString());
            var payload = answer.Data!["cosignAccessLogCheckpoint"]!;
            Assert.Null(payload["checkpoint"]);
            Assert.Equal("BAD_USER_INPUT", payload["errors"]![0]!["code"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_force_system_that_is_not_a_witness_is_not_given_the_witness_scope()
    {
        using var response = await region.TokenRequestAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "herts-system",
            ["client_secret"] = RegionWithSignIn.SecretOf("herts-system"),
            ["scope"] = "log:witness",
        });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        // OpenIddict refuses a scope the client has no permission for; either way no token holds it.
        Assert.True(body["access_token"] is null || !(body["scope"]?.GetValue<string>() ?? "").Contains("log:witness", StringComparison.Ordinal), body.ToJsonString());
    }
}
