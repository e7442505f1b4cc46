using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using static ErsouIntel.Api.Tests.Cases.CaseSteps;

namespace ErsouIntel.Api.Tests.Cases;

/// <summary>A case's purpose and justification: given by <c>openCase</c> or left to their defaults, and served on the case.</summary>
public sealed class CasePurposeTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private readonly Region region = new(service);

    private const string Why = "Linking doorstep courier fraud in Chelmsford to the Watford series";

    [Fact]
    public async Task A_case_opened_with_a_purpose_and_a_justification_shows_them_to_its_readers()
    {
        var investigator = Investigator(Force.Essex);

        var opened = Accepted(await region.OpensWithReasonsAsync(investigator, Unique("ERSOU-2025"), "Doorstep couriers", "SAFEGUARDING", $"  {Why} "));

        Assert.Equal(("SAFEGUARDING", Why), (opened["purpose"]!.GetValue<string>(), opened["justification"]!.GetValue<string>()));
        var read = await service.PostAsAsync(investigator, "query CaseById($id: ID!, $why: String!) { access(purpose: INVESTIGATION, justification: $why) { case(id: $id) { purpose justification } } }", new { id = Id(opened), why = Region.Why });
        Assert.True(read.Status == 200 && read.Errors is null, read.ToString());
        var @case = read.Data!["access"]!["case"]!;
        Assert.Equal(("SAFEGUARDING", Why), (@case["purpose"]!.GetValue<string>(), @case["justification"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_case_opened_without_them_is_worked_for_investigation_justified_by_its_title_however_short()
    {
        var opened = Accepted(await region.OpensWithReasonsAsync(Investigator(Force.Norfolk), Unique("ERSOU-2025"), " Magpie ", null, null));

        Assert.Equal(("INVESTIGATION", "Magpie"), (opened["purpose"]!.GetValue<string>(), opened["justification"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("too short")]
    [InlineData("   ")]
    public async Task A_justification_given_that_is_not_10_to_500_characters_is_refused_and_opens_nothing(string justification)
    {
        var reference = Unique("ERSOU-2025");
        var investigator = Investigator(Force.Suffolk);

        var payload = await region.OpensWithReasonsAsync(investigator, reference, "Doorstep couriers", null, justification);

        Assert.Equal("JUSTIFICATION_REQUIRED at justification", Refusal(payload));
        Assert.Null(payload["case"]);
        Accepted(await region.OpensWithReasonsAsync(investigator, reference, "Doorstep couriers", null, Why));
    }

    [Fact]
    public async Task An_action_with_a_short_justification_of_its_own_is_refused_and_changes_nothing()
    {
        var investigator = Investigator(Force.Bedfordshire);
        var caseId = await region.OpensCaseAsync(investigator, Unique("ERSOU-2025"));

        var answer = await service.PostAsAsync(investigator, "mutation AddCaseNote($caseId: ID!) { addCaseNote(input: { caseId: $caseId, text: \"A note\", justification: \"why\" }) { errors { code message path } case { version } } }", new { caseId });

        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
        Assert.Equal("JUSTIFICATION_REQUIRED at justification", Refusal(answer.Data!["addCaseNote"]!));
        Assert.Equal(1, await region.VersionAsync(investigator, caseId));
    }
}

/// <summary>The case steps with the accountability fields the contract's own operations do not send.</summary>
public static class CaseReasonSteps
{
    public const string OpenCaseWithReasons =
        "mutation OpenCase($reference: String!, $title: String!, $purpose: Purpose, $justification: String) { " +
        "openCase(input: { reference: $reference, title: $title, purpose: $purpose, justification: $justification }) { " +
        "errors { code message path } case { id reference title leadForce status version purpose justification } } }";

    public const string AddCaseNoteWithReason =
        "mutation AddCaseNote($caseId: ID!, $text: String!, $justification: String) { " +
        "addCaseNote(input: { caseId: $caseId, text: $text, justification: $justification }) { errors { code message path } case { id version } } }";

    public const string AddCaseMemberWithReason =
        "mutation AddCaseMember($caseId: ID!, $username: String!, $justification: String) { " +
        "addCaseMember(input: { caseId: $caseId, username: $username, justification: $justification }) { errors { code message path } case { id version } } }";

    public static async Task<JsonNode> OpensWithReasonsAsync(this Region region, TestCaller investigator, string reference, string title, string? purpose, string? justification)
    {
        var answer = await region.Service.PostAsAsync(investigator, OpenCaseWithReasons, new { reference, title, purpose, justification });
        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
        return answer.Data!["openCase"]!;
    }

    public static async Task<JsonNode> ChangesWithAsync(this Region region, TestCaller investigator, string document, string field, object variables)
    {
        var answer = await region.Service.PostAsAsync(investigator, document, variables);
        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
        return answer.Data![field]!;
    }
}
