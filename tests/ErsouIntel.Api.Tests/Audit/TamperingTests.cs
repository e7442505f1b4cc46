using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using static ErsouIntel.Api.Tests.Audit.AccessLogSteps;
using static ErsouIntel.Api.Tests.Cases.CaseSteps;

namespace ErsouIntel.Api.Tests.Audit;

/// <summary>
/// A row changed or deleted straight in PostgreSQL is found by <c>verifyAccessLog</c>, which names
/// the first sequence that no longer verifies.
/// </summary>
public sealed class TamperingTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private readonly Region region = new(service);

    [Fact]
    public async Task A_deleted_row_and_then_a_changed_justification_are_each_found_at_their_sequence()
    {
        await SomeReadingAsync();
        var rows = await service.EntriesSinceAsync(0);
        var changed = rows.First(r => r.Justification is not null && r.Sequence > 1).Sequence;
        var deleted = changed + 2;
        Assert.True(rows[^1].Sequence > deleted, "The scenario needs entries after the deleted one.");

        var untouched = await service.VerifiesAsync();
        await ExecuteAsync(service.ConnectionString, "delete from ersou.access_log where sequence = $1", deleted);
        var afterDelete = await service.VerifiesAsync();
        await ExecuteAsync(service.ConnectionString, "update ersou.access_log set justification = $1 where sequence = $2", "Routine check of my neighbour's record", changed);
        var afterChange = await service.VerifiesAsync();

        Assert.True(untouched["valid"]!.GetValue<bool>(), untouched.ToJsonString());
        Assert.Null(untouched["firstInvalidSequence"]);
        Assert.Equal(rows.Count, untouched["entriesChecked"]!.GetValue<long>());
        Assert.False(afterDelete["valid"]!.GetValue<bool>(), $"Deleting entry {deleted} went unnoticed: {afterDelete.ToJsonString()}");
        Assert.Equal(deleted, afterDelete["firstInvalidSequence"]!.GetValue<long>());
        Assert.False(afterChange["valid"]!.GetValue<bool>(), afterChange.ToJsonString());
        Assert.Equal(changed, afterChange["firstInvalidSequence"]!.GetValue<long>());
    }

    private async Task SomeReadingAsync()
    {
        var phone = NewPhoneNumber();
        var hertfordshire = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(Unique("HC"), [phone]));
        await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX"), [phone]));
        await region.ReadsAsync(Investigator(Force.Essex), ContractOperations.Incident, new { id = hertfordshire });
        await region.ReadsAsync(Investigator(Force.Hertfordshire), ContractOperations.PhoneNumberProfile, new { phone });
        await region.ReadsAsync(Investigator(Force.Norfolk), ContractOperations.Incident, new { id = hertfordshire });
    }
}
