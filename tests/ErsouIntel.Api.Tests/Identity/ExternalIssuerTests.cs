using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Security.Cryptography;
using ErsouIntel.Api.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace ErsouIntel.Api.Tests.Identity;

/// <summary>A service that trusts Essex's own identity provider by configuration.</summary>
public sealed class TrustingEssexProvider : ServiceFixture
{
    public const string Issuer = "https://idp.essex.example";
    public const string Audience = "ersou-intel";

    public static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Identity:ExternalIssuers:0:Issuer"] = Issuer,
        ["Identity:ExternalIssuers:0:SigningKey"] = Convert.ToBase64String(Key),
        ["Identity:ExternalIssuers:0:Audience"] = Audience,
        ["Identity:ExternalIssuers:0:Force"] = "ESSEX",
        ["Identity:ExternalIssuers:0:RoleClaim"] = "roles",
        ["Identity:ExternalIssuers:0:Roles:Intel.Analyst"] = "investigator",
    };

    public static string TokenFor(string subject, string role, byte[]? key = null, string? force = null)
    {
        var claims = new List<Claim> { new("sub", subject), new("roles", role) };
        if (force is not null)
        {
            claims.Add(new Claim("force", force));
        }

        var token = new JwtSecurityToken(Issuer, Audience, claims, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(10),
            new SigningCredentials(new SymmetricSecurityKey(key ?? Key), SecurityAlgorithms.HmacSha256));
        return new JwtSecurityTokenHandler().WriteToken(token);
    }
}

public sealed class ExternalIssuerTests(TrustingEssexProvider service) : IClassFixture<TrustingEssexProvider>
{
    private const string Me = "{ me { subject force roles } }";

    private async Task<GraphQLAnswer> PostAsync(string token, string query, object? variables = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(new { query, variables }), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return await service.SendAsync(request);
    }

    [Fact]
    public async Task A_trusted_forces_token_is_mapped_to_its_force_and_role_whatever_force_it_claims()
    {
        var answer = await PostAsync(TrustingEssexProvider.TokenFor("jdoe", "Intel.Analyst", force: "HERTFORDSHIRE"), Me);

        Assert.Equal("jdoe@https://idp.essex.example", answer.Data!["me"]!["subject"]!.GetValue<string>());
        Assert.Equal("ESSEX", answer.Data!["me"]!["force"]!.GetValue<string>());
        Assert.Equal(["investigator"], answer.Data!["me"]!["roles"]!.AsArray().Select(r => r!.GetValue<string>()));

        var read = await PostAsync(TrustingEssexProvider.TokenFor("jdoe", "Intel.Analyst"), ContractOperations.Text(ContractOperations.Incidents), new { purpose = "INVESTIGATION", why = Region.Why });
        Assert.Null(read.Errors);
    }

    [Fact]
    public async Task A_role_the_mapping_does_not_name_grants_nothing()
    {
        var read = await PostAsync(TrustingEssexProvider.TokenFor("jdoe", "Canteen.Manager"), ContractOperations.Text(ContractOperations.Incidents), new { purpose = "INVESTIGATION", why = Region.Why });

        Assert.Equal("FORBIDDEN", read.FirstErrorCode);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_401()
    {
        var answer = await PostAsync(TrustingEssexProvider.TokenFor("jdoe", "Intel.Analyst", RandomNumberGenerator.GetBytes(32)), Me);

        Assert.Equal(401, answer.Status);
    }
}
