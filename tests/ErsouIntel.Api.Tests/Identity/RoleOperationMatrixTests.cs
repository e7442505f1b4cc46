using ErsouIntel.Api.Tests.Audit;
using ErsouIntel.Api.Tests.Infrastructure;

namespace ErsouIntel.Api.Tests.Identity;

/// <summary>
/// Every role against every contract operation, with tokens from the real endpoints: force
/// systems write and nothing else; investigators read and work cases; auditors read the access
/// log and no intelligence; admins neither; a witness (a force system registered as one) reads
/// checkpoints and consistency proofs and cosigns, nothing else; without a token, nothing but 401. Every refusal of a
/// signed-in caller leaves one REFUSED entry naming them; a request without a token leaves none.
/// </summary>
public sealed class RoleOperationMatrixTests(RegionWithSignIn region) : IClassFixture<RegionWithSignIn>
{
    public enum Role { ForceSystem, Investigator, Auditor, Admin, Witness, Anonymous }

    private static readonly Dictionary<string, Role[]> AllowedRoles = new()
    {
        [ContractOperations.ReportIncident] = [Role.ForceSystem],
        [ContractOperations.ReportIncidents] = [Role.ForceSystem],
        [ContractOperations.RetractIncident] = [Role.ForceSystem],
        [ContractOperations.Incident] = [Role.Investigator],
        [ContractOperations.Incidents] = [Role.Investigator],
        [ContractOperations.LinkedCouriers] = [Role.Investigator],
        [ContractOperations.PhoneNumberProfile] = [Role.Investigator],
        ["CouriersLinkedTo"] = [Role.Investigator],
        ["LinkChart"] = [Role.Investigator],
        ["Paths"] = [Role.Investigator],
        ["Search"] = [Role.Investigator],
        [ContractOperations.Matches] = [Role.Investigator],
        [ContractOperations.CaseTimeline] = [Role.Investigator],
        [ContractOperations.OpenCase] = [Role.Investigator],
        [ContractOperations.AttachIncident] = [Role.Investigator],
        [ContractOperations.AddCaseNote] = [Role.Investigator],
        [ContractOperations.AddCaseMember] = [Role.Investigator],
        [ContractOperations.CloseCase] = [Role.Investigator],
        [ContractOperations.Watch] = [Role.Investigator],
        [ContractOperations.Unwatch] = [Role.Investigator],
        ["Alerts"] = [Role.Investigator],
        ["AccessLog"] = [Role.Auditor],
        ["VerifyAccessLog"] = [Role.Auditor],
        ["AccessLogCheckpoint"] = [Role.Auditor, Role.Witness],
        ["AccessLogInclusionProof"] = [Role.Auditor],
        ["AccessLogConsistencyProof"] = [Role.Auditor, Role.Witness],
        ["CosignAccessLogCheckpoint"] = [Role.Witness],
        [ContractOperations.Me] = [Role.ForceSystem, Role.Investigator, Role.Auditor, Role.Admin, Role.Witness],
    };

    /// <summary>The operations sent over HTTP: a subscription is not (AlertStreamRoleTests holds it to the same matrix over SSE).</summary>
    private static IEnumerable<string> OverHttp =>
        ContractOperations.Names.Where(name => !ContractOperations.Text(name).Contains("subscription ", StringComparison.Ordinal));

    public static TheoryData<string, Role> Matrix()
    {
        var data = new TheoryData<string, Role>();
        foreach (var operation in OverHttp)
        {
            foreach (var role in Enum.GetValues<Role>())
            {
                data.Add(operation, role);
            }
        }

        return data;
    }

    [Fact]
    public void The_matrix_covers_every_contract_operation()
    {
        Assert.Equal(OverHttp.Order(StringComparer.Ordinal), AllowedRoles.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("AlertStream", ContractOperations.Names);
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task A_role_may_use_an_operation_only_as_the_contract_says(string operation, Role role)
    {
        var token = await TokenAsync(role);
        GraphQLAnswer answer = null!;

        var variables = await VariablesAsync(operation);
        var entries = await region.LoggedWhileAsync(async () => answer = await region.PostWithTokenAsync(token, ContractOperations.Text(operation), variables));

        if (role == Role.Anonymous)
        {
            Assert.Equal(401, answer.Status);
            Assert.Equal("UNAUTHENTICATED", answer.FirstErrorCode);
            Assert.True(entries.Count == 0, $"A request without a token was logged: {string.Join("\n", entries)}");
        }
        else if (AllowedRoles[operation].Contains(role))
        {
            Assert.True(answer.Status == 200 && answer.Errors is null, $"{role} was refused {operation}: {answer}");
            Assert.DoesNotContain(entries, e => e.Kind == "REFUSED" && e.Records.Count == 0);
        }
        else
        {
            Assert.Equal(200, answer.Status);
            Assert.Equal("FORBIDDEN", answer.FirstErrorCode);
            Assert.True(answer.Data is null || answer.Data.AsObject().All(field => field.Value is null), $"{role} got data from {operation}: {answer}");
            var refused = entries.Where(e => e.Kind == "REFUSED").ToList();
            Assert.True(refused.Count == 1, $"{role} refused {operation} left {refused.Count} REFUSED entries: {string.Join("\n", entries)}");
            Assert.Equal((Subjects[role], operation, RolesLogged[role]), (refused[0].Subject, refused[0].Operation, string.Join(',', refused[0].Roles)));
        }
    }

    private static readonly Dictionary<Role, string> Subjects = new()
    {
        [Role.ForceSystem] = "herts-system",
        [Role.Investigator] = "herts.investigator",
        [Role.Auditor] = "region.auditor",
        [Role.Admin] = "the.admin",
        [Role.Witness] = RegionWithSignIn.WitnessClientId,
    };

    private static readonly Dictionary<Role, string> RolesLogged = new()
    {
        [Role.ForceSystem] = "force-system",
        [Role.Investigator] = "investigator",
        [Role.Auditor] = "auditor",
        [Role.Admin] = "admin",
        [Role.Witness] = "witness",
    };

    private async Task<string?> TokenAsync(Role role) => role switch
    {
        Role.ForceSystem => await region.ClientCredentialsAsync("herts-system"),
        Role.Investigator => (await region.AuthorizationCodeAsync("herts.investigator", "intel:read"))["access_token"]!.GetValue<string>(),
        Role.Auditor => (await region.AuthorizationCodeAsync("region.auditor", "audit:read"))["access_token"]!.GetValue<string>(),
        Role.Admin => (await region.AuthorizationCodeAsync("the.admin", "admin"))["access_token"]!.GetValue<string>(),
        Role.Witness => await region.WitnessTokenAsync(),
        _ => null,
    };

    /// <summary>The log's operations take sizes it signed: the newest, and (for a cosignature) the witness's valid line for it.</summary>
    private async Task<object> VariablesAsync(string operation)
    {
        if (!operation.StartsWith("AccessLog", StringComparison.Ordinal) && operation != "CosignAccessLogCheckpoint" || operation == "AccessLog")
        {
            return Variables(operation);
        }

        var size = await region.SignedSizeAsync();
        return operation switch
        {
            "AccessLogInclusionProof" => new { sequence = 1, treeSize = size },
            "AccessLogConsistencyProof" => new { fromSize = size, toSize = size },
            "CosignAccessLogCheckpoint" => new
            {
                treeSize = size,
                cosignature = ErsouIntel.Domain.Transparency.Cosignature.Sign(RegionWithSignIn.WitnessKey, await region.CheckpointBodyAsync(size), DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToLine(),
            },
            _ => new { },
        };
    }

    /// <summary>Variables that make each operation well-formed; ids are random, so allowed callers get empty answers, not errors.</summary>
    private static object Variables(string operation)
    {
        var unique = Guid.NewGuid().ToString("N")[..12];
        var random = Guid.NewGuid().ToString();
        return operation switch
        {
            ContractOperations.ReportIncident => new { input = AnIncident.Courier("MX/" + unique) },
            ContractOperations.ReportIncidents => new { inputs = new[] { AnIncident.Courier("MX/" + unique) } },
            ContractOperations.RetractIncident => new { forceReference = "MX/" + unique, reason = "matrix" },
            ContractOperations.Incident or ContractOperations.CaseTimeline => new { id = random, purpose = "INVESTIGATION", why = Region.Why },
            ContractOperations.LinkedCouriers => new { phone = "07700 900123", purpose = "INVESTIGATION", why = Region.Why },
            ContractOperations.PhoneNumberProfile => new { phone = "07700 900123", purpose = "INVESTIGATION", why = Region.Why },
            "CouriersLinkedTo" => new { entity = new { kind = "PHONE_NUMBER", key = "07700 900123" }, purpose = "INVESTIGATION", why = Region.Why },
            "LinkChart" => new { around = new[] { new { kind = "PHONE_NUMBER", key = "07700 900123" } }, purpose = "INVESTIGATION", why = Region.Why },
            "Paths" => new { from = new { kind = "PHONE_NUMBER", key = "07700 900123" }, to = new { kind = "VEHICLE", key = "AB12 CDE" }, purpose = "INVESTIGATION", why = Region.Why },
            "Search" => new { text = "07700 900123", purpose = "INVESTIGATION", why = Region.Why },
            ContractOperations.Incidents or ContractOperations.Matches or "Alerts" => new { purpose = "INVESTIGATION", why = Region.Why },
            ContractOperations.OpenCase => new { reference = "MX-" + unique, title = "Matrix case" },
            ContractOperations.AttachIncident => new { caseId = random, incidentId = random },
            ContractOperations.AddCaseNote => new { caseId = random, text = "A note" },
            ContractOperations.AddCaseMember => new { caseId = random, username = "someone" },
            ContractOperations.CloseCase => new { caseId = random, reason = "Done" },
            ContractOperations.Watch => new { input = new { entity = new { kind = "PHONE_NUMBER", key = "07700 900123" }, purpose = "INVESTIGATION", justification = Region.Why } },
            ContractOperations.Unwatch => new { id = random },
            _ => new { },
        };
    }
}
