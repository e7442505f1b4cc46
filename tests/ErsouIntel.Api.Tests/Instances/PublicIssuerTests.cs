using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using ErsouIntel.Testing;

namespace ErsouIntel.Api.Tests.Instances;

/// <summary>
/// <c>Identity:Issuer</c> across instances: two service processes on two loopback ports, one
/// database, the same keys. With the setting, a token issued by one instance at its own address is
/// taken by the other at its own; without it, the same move is refused.
/// </summary>
public sealed class PublicIssuerTests(TwoInstances instances) : IClassFixture<TwoInstances>
{
    private const string Me = "{ me { subject force roles } }";

    [Fact]
    public async Task A_force_systems_token_from_instance_A_is_taken_by_instance_B_at_its_own_address()
    {
        var token = await TwoInstances.SystemTokenAsync(instances.A, Force.Essex);

        var onB = await TwoInstances.PostAsync(instances.B, token, Me);

        Assert.True(onB.Status == 200 && onB.Errors is null, $"Instance B refused instance A's token: {onB}{Environment.NewLine}{instances.Outputs()}");
        Assert.Equal("essex-system", onB.Data!["me"]!["subject"]!.GetValue<string>());
        Assert.Equal("ESSEX", onB.Data!["me"]!["force"]!.GetValue<string>());
        var pushed = await TwoInstances.ReportAsync(instances.B, token, AnIncident.Courier("EX/ISSUER/0001", phones: ["07911 234001"]));
        Assert.Equal("CREATED", pushed.Single()!["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_investigator_signed_in_on_A_reads_and_watches_on_B_and_refreshes_there()
    {
        await TwoInstances.ReportAsync(instances.A, await TwoInstances.SystemTokenAsync(instances.A, Force.Norfolk), AnIncident.Courier("NK/ISSUER/0001", phones: ["07911 234002"]));
        var tokens = await TwoInstances.InvestigatorSignInAsync(instances.A, Force.Norfolk);
        var token = tokens["access_token"]!.GetValue<string>();

        var onB = await TwoInstances.PostAsync(instances.B, token, ContractOperations.Text(ContractOperations.Incidents), new { purpose = "INVESTIGATION", why = Region.Why });
        Assert.True(onB.Status == 200 && onB.Errors is null, $"Instance B refused the investigator's token from A: {onB}");
        Assert.NotNull(onB.Data!["access"]);
        var watch = await TwoInstances.WatchAsync(instances.B, token, new { kind = "PHONE_NUMBER", key = "07911 234002" });
        Assert.Equal("PHONE_NUMBER", watch["entity"]!["kind"]!.GetValue<string>());

        // The refresh token is the token server's own: B's token endpoint must take what A issued.
        using var http = TwoInstances.ClientFor(instances.B);
        var refreshed = await new SignIn(http).TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = Api.Identity.DevelopmentSeed.AppClientId,
            ["refresh_token"] = tokens["refresh_token"]!.GetValue<string>(),
        });
        var me = await TwoInstances.PostAsync(instances.A, refreshed["access_token"]!.GetValue<string>(), Me);
        Assert.Equal("norfolk.investigator", me.Data?["me"]?["subject"]?.GetValue<string>());
    }

    [Fact]
    public async Task Both_instances_discovery_documents_name_the_public_URL_whatever_address_they_are_reached_by()
    {
        foreach (var instance in new[] { instances.A, instances.B })
        {
            using var http = TwoInstances.ClientFor(instance);
            var discovery = JsonNode.Parse(await http.GetStringAsync(new Uri(".well-known/openid-configuration", UriKind.Relative)))!;
            Assert.Equal(TwoInstances.PublicUrl, discovery["issuer"]!.GetValue<string>());
            // The endpoints stay where the caller found the document: the issuer is a name, not a redirect.
            Assert.Equal(new Uri(instance.BaseUrl, "connect/token").AbsoluteUri, discovery["token_endpoint"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Without_the_setting_a_token_from_one_instance_is_refused_by_another_reached_at_its_own_address()
    {
        // Two more instances on the same database and keys, each naming the host it was reached by.
        await using var c = await instances.StartInstanceAsync("c", issuer: null);
        await using var d = await instances.StartInstanceAsync("d", issuer: null);
        var token = await TwoInstances.SystemTokenAsync(c, Force.Suffolk);

        var onC = await TwoInstances.PostAsync(c, token, Me);
        var onD = await TwoInstances.PostAsync(d, token, Me);
        var onB = await TwoInstances.PostAsync(instances.B, token, Me);

        // The token itself is good: the instance that issued it takes it.
        Assert.Equal("suffolk-system", onC.Data?["me"]?["subject"]?.GetValue<string>());
        AssertRefused(onD, "another instance without the setting");
        AssertRefused(onB, "an instance that accepts the public URL only");
    }

    private static void AssertRefused(GraphQLAnswer answer, string what) =>
        Assert.True(answer.Status == 401 && answer.FirstErrorCode == "UNAUTHENTICATED" && answer.Data?["me"] is null,
            $"{what} took a token issued under another instance's address: {answer}");
}
