using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using static ErsouIntel.Api.Tests.Cases.CaseSteps;

namespace ErsouIntel.Api.Tests.Cases;

public sealed class OpeningCasesTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private readonly Region region = new(service);

    [Fact]
    public async Task An_investigator_who_opens_a_case_finds_it_open_at_version_1_led_by_their_force()
    {
        var investigator = Investigator(Force.Essex);
        var reference = Unique("ERSOU-2025");

        var payload = await region.ChangesCaseAsync(investigator, ContractOperations.OpenCase, new { reference, title = "Doorstep couriers in Chelmsford", operationName = "Operation Lantern" });

        var @case = Accepted(payload);
        Assert.Equal(reference, @case["reference"]!.GetValue<string>());
        Assert.Equal("Doorstep couriers in Chelmsford", @case["title"]!.GetValue<string>());
        Assert.Equal("ESSEX", @case["leadForce"]!.GetValue<string>());
        Assert.Equal("OPEN", @case["status"]!.GetValue<string>());
        Assert.Equal(1, @case["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_investigator_who_opens_a_case_is_already_a_member_so_adding_them_writes_nothing()
    {
        var investigator = Investigator(Force.Norfolk);
        var caseId = await region.OpensCaseAsync(investigator, Unique("ERSOU-2025"));

        var @case = Accepted(await region.AddsMemberAsync(investigator, caseId, investigator.Subject));

        Assert.Equal(1, @case["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_lead_force_is_the_callers_force_whatever_another_force_leads()
    {
        var suffolk = Investigator(Force.Suffolk);
        var bedfordshire = Investigator(Force.Bedfordshire);

        var first = Accepted(await region.ChangesCaseAsync(suffolk, ContractOperations.OpenCase, new { reference = Unique("ERSOU-2025"), title = "Suffolk's case" }));
        var second = Accepted(await region.ChangesCaseAsync(bedfordshire, ContractOperations.OpenCase, new { reference = Unique("ERSOU-2025"), title = "Bedfordshire's case" }));

        Assert.Equal("SUFFOLK", first["leadForce"]!.GetValue<string>());
        Assert.Equal("BEDFORDSHIRE", second["leadForce"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("", "Doorstep couriers", "REQUIRED at reference")]
    [InlineData("   ", "Doorstep couriers", "REQUIRED at reference")]
    [InlineData("ERSOU-TITLELESS", "", "REQUIRED at title")]
    [InlineData("ERSOU-TITLELESS", " \t ", "REQUIRED at title")]
    public async Task A_case_without_a_reference_or_title_is_refused_with_REQUIRED_at_that_field(string reference, string title, string expected)
    {
        // A reference that is not blank must still be new, so it gets a suffix of its own.
        var sent = reference.Trim().Length > 0 ? Unique(reference) : reference;

        var payload = await region.ChangesCaseAsync(Investigator(Force.Essex), ContractOperations.OpenCase, new { reference = sent, title });

        Assert.Equal(expected, Refusal(payload));
        Assert.Null(payload["case"]);
    }

    [Fact]
    public async Task A_case_with_neither_reference_nor_title_names_both_fields()
    {
        var payload = await region.ChangesCaseAsync(Investigator(Force.Essex), ContractOperations.OpenCase, new { reference = " ", title = "" });

        var errors = payload["errors"]!.AsArray().Select(e => $"{e!["code"]!.GetValue<string>()} at {string.Join('.', e["path"]!.AsArray().Select(p => p!.GetValue<string>()))}").Order(StringComparer.Ordinal);
        Assert.Equal(["REQUIRED at reference", "REQUIRED at title"], errors);
        Assert.Null(payload["case"]);
    }

    [Fact]
    public async Task A_refused_case_leaves_its_reference_free_for_the_next_try()
    {
        var investigator = Investigator(Force.Cambridgeshire);
        var reference = Unique("ERSOU-2025");
        Assert.Equal("REQUIRED at title", Refusal(await region.ChangesCaseAsync(investigator, ContractOperations.OpenCase, new { reference, title = "" })));

        var @case = Accepted(await region.ChangesCaseAsync(investigator, ContractOperations.OpenCase, new { reference, title = "Second try" }));

        Assert.Equal(reference, @case["reference"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_second_case_with_a_taken_reference_gets_DUPLICATE_REFERENCE()
    {
        var reference = Unique("ERSOU-2025");
        await region.OpensCaseAsync(Investigator(Force.Essex), reference);

        var payload = await region.ChangesCaseAsync(Investigator(Force.Essex), ContractOperations.OpenCase, new { reference, title = "The same case again" });

        Assert.Equal("DUPLICATE_REFERENCE at reference", Refusal(payload));
        Assert.Null(payload["case"]);
    }

    [Fact]
    public async Task A_reference_another_force_uses_is_opened_all_the_same_and_each_force_keeps_its_own_case()
    {
        // A reference is unique within its lead force: refusing it would tell Essex that Hertfordshire holds it.
        var reference = Unique("HERTS-ONLY");
        var hertfordshire = await region.OpensCaseAsync(Investigator(Force.Hertfordshire), reference);

        var essex = Accepted(await region.ChangesCaseAsync(Investigator(Force.Essex), ContractOperations.OpenCase, new { reference, title = "Essex's own case" }));

        Assert.Equal(reference, essex["reference"]!.GetValue<string>());
        Assert.Equal("ESSEX", essex["leadForce"]!.GetValue<string>());
        Assert.NotEqual(hertfordshire, Id(essex));
        Assert.Equal("DUPLICATE_REFERENCE at reference", Refusal(await region.ChangesCaseAsync(Investigator(Force.Essex), ContractOperations.OpenCase, new { reference, title = "Essex again" })));
        Assert.Equal("DUPLICATE_REFERENCE at reference", Refusal(await region.ChangesCaseAsync(Investigator(Force.Hertfordshire), ContractOperations.OpenCase, new { reference, title = "Herts again" })));
    }

    [Fact]
    public async Task A_taken_reference_with_spaces_around_it_is_still_a_DUPLICATE_REFERENCE()
    {
        var reference = Unique("ERSOU-2025");
        await region.OpensCaseAsync(Investigator(Force.Essex), reference);

        var payload = await region.ChangesCaseAsync(Investigator(Force.Essex), ContractOperations.OpenCase, new { reference = $"  {reference} ", title = "Padded copy" });

        Assert.Equal("DUPLICATE_REFERENCE at reference", Refusal(payload));
    }

    [Fact]
    public async Task A_force_system_that_tries_to_open_a_case_gets_FORBIDDEN_and_no_case()
    {
        var reference = Unique("ERSOU-2025");

        var answer = await service.PostAsAsync(TestCaller.ForceSystem(Force.Hertfordshire), ContractOperations.Text(ContractOperations.OpenCase), new { reference, title = "Opened by a machine" });

        Assert.Equal("FORBIDDEN", answer.FirstErrorCode);
        Assert.Null(answer.Data?["openCase"]);
        // Nothing was written: the reference is still free.
        await region.OpensCaseAsync(Investigator(Force.Hertfordshire), reference);
    }

    [Fact]
    public async Task An_auditor_who_tries_to_open_a_case_gets_FORBIDDEN()
    {
        var answer = await service.PostAsAsync(TestCaller.Auditor(Force.Essex), ContractOperations.Text(ContractOperations.OpenCase), new { reference = Unique("ERSOU-2025"), title = "Opened by an auditor" });

        Assert.Equal("FORBIDDEN", answer.FirstErrorCode);
        Assert.Null(answer.Data?["openCase"]);
    }
}
