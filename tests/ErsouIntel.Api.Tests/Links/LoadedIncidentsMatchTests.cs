using ErsouIntel.Api.Incidents.Importing;
using ErsouIntel.Api.Links;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Incidents;
using Npgsql;

namespace ErsouIntel.Api.Tests.Links;

/// <summary>One starting state: an Essex case is open with an Essex incident attached, carrying one number.</summary>
public sealed class AnOpenCaseBeforeALoad : LinkGraphStore
{
    public const string OnTheCase = "+447700900711";

    public Guid OpenCase { get; private set; }

    protected override async Task SeedAsync()
    {
        await ReportsAsync(Force.Essex, "EX/L/1", Details([OnTheCase]));
        OpenCase = await OpensCaseAsync(Force.Essex, "OP-LOAD", (Force.Essex, "EX/L/1"));
    }
}

/// <summary>
/// A bulk load's matches, worked out once at its end (<see cref="LoadLinker"/>, <c>li_match_load</c>), are the
/// matches the same incidents pushed one by one make (MatchesOntoOpenCasesTests for the pushes): across forces,
/// and onto an open case whose incidents share a node with them.
/// </summary>
public sealed class LoadedIncidentsMatchTests(AnOpenCaseBeforeALoad graph) : IClassFixture<AnOpenCaseBeforeALoad>
{
    [Fact]
    public async Task A_loaded_incident_on_a_number_of_an_open_case_matches_it_onto_the_case_and_across_forces()
    {
        await LoadAsync((Force.Norfolk, "NK/L/1", LinkGraphStore.Details([AnOpenCaseBeforeALoad.OnTheCase])));

        Assert.Equal(
            [
                $"PHONE | {AnOpenCaseBeforeALoad.OnTheCase} | {graph.OpenCase} | ESSEX,NORFOLK | EX/L/1,NK/L/1",
                $"PHONE | {AnOpenCaseBeforeALoad.OnTheCase} | ∅ | ESSEX,NORFOLK | EX/L/1,NK/L/1",
            ],
            await graph.MatchesOfAsync("PHONE", AnOpenCaseBeforeALoad.OnTheCase));
    }

    [Fact]
    public async Task Numbers_a_load_links_to_one_force_only_make_no_match_and_two_forces_in_different_batches_make_one()
    {
        await LoadAsync(
            (Force.Suffolk, "SK/L/1", LinkGraphStore.Details(["+447700900712"])),
            (Force.Suffolk, "SK/L/2", LinkGraphStore.Details(["+447700900712", "+447700900713"])),
            (Force.Hertfordshire, "HT/L/1", LinkGraphStore.Details(["+447700900713"])));

        Assert.Empty(await graph.MatchesOfAsync("PHONE", "+447700900712"));
        Assert.Equal(
            ["PHONE | +447700900713 | ∅ | HERTFORDSHIRE,SUFFOLK | HT/L/1,SK/L/2"],
            await graph.MatchesOfAsync("PHONE", "+447700900713"));
    }

    /// <summary>Each incident linked as a batch of its own, then the load's matches worked out once, as the import does.</summary>
    private async Task LoadAsync(params (Force Force, string Reference, IncidentDetails Details)[] incidents)
    {
        await using var db = NpgsqlDataSource.Create(graph.ConnectionString);
        await using var linker = await LoadLinker.OpenAsync(db, CancellationToken.None);
        Assert.NotNull(linker);
        foreach (var (force, reference, details) in incidents)
        {
            var id = Incident.IdFor(force, reference);
            await linker.LinkAsync([(id, LinkGraphProjection.PayloadOf(id, force, reference, details, 1, LinkGraphStore.Now))], CancellationToken.None);
        }

        await linker.MatchAsync(LinkGraphStore.Now, (_, _) => { }, _ => { }, CancellationToken.None);
        await using var pending = db.CreateCommand("select count(*) from ersou.li_load_pending");
        Assert.Equal(0L, await pending.ExecuteScalarAsync());
    }
}
