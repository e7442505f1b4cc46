using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Tests.Incidents;

/// <summary>
/// An input that does not fit the schema's types refuses the whole request, as GraphQL's rule for variables
/// says; the force system is told so with the contract's code and the input to fix, and nothing is stored.
/// </summary>
public sealed class BatchWithABadVariableTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Theory]
    [InlineData("grading", null, "grading")]
    [InlineData("occurredAt", "last Tuesday", "occurredAt")]
    public async Task One_input_with_a_missing_or_malformed_field_refuses_the_batch_with_BAD_USER_INPUT_naming_it(string field, string? value, string named)
    {
        var good = AnIncident.Courier($"NFK/VAR/{Guid.NewGuid():N}"[..24]);
        var bad = AnIncident.Courier($"NFK/VAR/{Guid.NewGuid():N}"[..24]);
        if (value is null)
        {
            bad.Remove(field);
        }
        else
        {
            bad[field] = value;
        }

        var answer = await service.PostAsAsync(TestCaller.ForceSystem(Force.Norfolk), ContractOperations.Text(ContractOperations.ReportIncidents), new { inputs = new[] { good, bad } });

        Assert.True(answer.FirstErrorCode == "BAD_USER_INPUT", answer.ToString());
        Assert.Contains(named, answer.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("[1]", answer.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(answer.HasDataKey, answer.ToString());
        Assert.Empty(await TestPostgres.RowsAsync(service.ConnectionString, $"select id from ersou.li_incidents where force_reference = '{good["forceReference"]}'"));
    }
}
