using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using static ErsouIntel.Api.Tests.Audit.AccessLogSteps;
using static ErsouIntel.Api.Tests.Cases.CaseSteps;

namespace ErsouIntel.Api.Tests.Audit;

/// <summary>A page of cases is logged as the cases handed out, not the one read past the page to see whether another follows.</summary>
public sealed class ListingCasesLogsThePageTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task A_page_of_one_case_names_that_case_only()
    {
        var region = new Region(service);
        var investigator = Investigator(Force.Suffolk);
        var older = await region.OpensCaseAsync(investigator, Unique("SFK-OLD"));
        var newer = await region.OpensCaseAsync(investigator, Unique("SFK-NEW"));

        GraphQLAnswer? answer = null;
        var logged = await service.LoggedWhileAsync(async () => answer = await service.PostAsAsync(investigator,
            "query { access(purpose: INVESTIGATION, justification: \"Reviewing Suffolk's open cases\") { cases(first: 1) { edges { node { id } } pageInfo { hasNextPage } } } }"));

        Assert.True(answer!.Errors is null, answer.ToString());
        Assert.True(answer.Data!["access"]!["cases"]!["pageInfo"]!["hasNextPage"]!.GetValue<bool>(), answer.ToString());
        var consultation = OneOf(logged, "CONSULTATION");
        Assert.Equal([newer], consultation.IdsOf("Case"));
        Assert.DoesNotContain(older, consultation.IdsOf("Case"));
    }
}
