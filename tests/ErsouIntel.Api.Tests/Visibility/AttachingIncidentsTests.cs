using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Tests.Visibility;

/// <summary>
/// An investigator may attach only incidents they see in full; another force's C incident
/// answers NOT_FOUND, exactly as an id that does not exist. Each row opens a case of its own.
/// </summary>
public sealed class AttachingIncidentsTests(RegionWithWithheldRecords seeded) : IClassFixture<RegionWithWithheldRecords>
{
    private readonly Region region = seeded.Region;

    [Theory]
    [MemberData(nameof(Matrix.CallerRecordForceAndHandling), MemberType = typeof(Matrix))]
    public async Task An_investigator_attaches_only_what_they_see_in_full(Force caller, Force owner, string handling)
    {
        var record = RegionWithWithheldRecords.Seeded(owner, handling);
        var investigator = TestCaller.Investigator(caller);
        var caseId = await region.OpensCaseAsync(investigator, $"ATTACH-{caller}-{record.Reference}");
        var attach = ContractOperations.Text(ContractOperations.AttachIncident);

        if (!record.IsVisibleTo(caller))
        {
            var unknown = await region.Service.PostAsAsync(investigator, attach, new { caseId, incidentId = Guid.NewGuid().ToString() });
            var withheld = await region.Service.PostAsAsync(investigator, attach, new { caseId, incidentId = seeded.IdOf(record) });

            Read.AnswersAlike(unknown, withheld, $"A {caller} investigator attaching {record.Reference}");
            Assert.Equal("NOT_FOUND", withheld.Data!["attachIncidentToCase"]!["errors"]![0]!["code"]!.GetValue<string>());
            return;
        }

        var payload = await region.ChangesCaseAsync(investigator, ContractOperations.AttachIncident, new { caseId, incidentId = seeded.IdOf(record) });

        Assert.True(payload["errors"]!.AsArray().Count == 0, $"A {caller} investigator could not attach {record.Reference}, which they see in full: {payload.ToJsonString()}");
        Assert.Equal([record.Reference], Read.Texts(payload["case"]!["incidents"], "forceReference"));
    }
}
