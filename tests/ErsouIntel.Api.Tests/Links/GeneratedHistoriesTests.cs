using ErsouIntel.Domain;
using ErsouIntel.Domain.Incidents;
using ErsouIntel.Domain.Links;

namespace ErsouIntel.Api.Tests.Links;

/// <summary>
/// The database's incremental matching held to the domain's rule (<see cref="MatchRule"/>) over seeded random
/// histories: pushes of new incidents and amendments (a reference reported and amended in one push too),
/// retractions, and pushes of two forces committing at once, drawn from small pools of numbers, couriers and
/// cars so that matches form, grow and shrink. Each seed writes under references and keys of its own.
/// </summary>
public sealed class GeneratedHistoriesTests(EmptyLinkGraph graph) : IClassFixture<EmptyLinkGraph>
{
    private static readonly Force[] Writers = [Force.Essex, Force.Hertfordshire, Force.Norfolk, Force.Suffolk];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task After_a_generated_history_the_matches_across_forces_are_the_ones_the_rule_names(int seed)
    {
        var random = new Random(seed);
        var incidents = new Dictionary<Guid, LinkedIncident>();
        var references = new Dictionary<Guid, string>();
        var prefix = $"G{seed}/";
        var made = 0;

        IncidentDetails Draw()
        {
            var phones = Enumerable.Range(0, random.Next(0, 3)).Select(_ => $"+4477009{seed:D2}{random.Next(5):D3}").Distinct().ToArray();
            var couriers = Enumerable.Range(0, random.Next(0, 3)).Select(_ => random.Next(6) switch
            {
                0 => new CourierSighting(null, null, "no name given", null, null),
                var n => LinkGraphStore.Courier($"Seed{seed} Courier{n % 4}", random.Next(3) == 0 ? null : $"S{seed}V{random.Next(3)}"),
            }).ToArray();
            return LinkGraphStore.Details(phones, couriers);
        }

        (string Reference, IncidentDetails Details)[] DrawPush(Force force)
        {
            var push = new List<(string, IncidentDetails)>();
            var live = incidents.Values.Where(i => i.Force == force && !i.Retracted).Select(i => references[i.Id]).ToList();
            for (var n = random.Next(1, 4); n > 0; n--)
            {
                var reference = live.Count > 0 && random.Next(3) == 0
                    ? live[random.Next(live.Count)]
                    : push.Count > 0 && random.Next(5) == 0 ? push[^1].Item1 : $"{prefix}{force.TenantId()[..2]}/{made++}";
                push.Add((reference, Draw()));
            }

            foreach (var (reference, details) in push)
            {
                var id = Incident.IdFor(force, reference);
                references[id] = reference;
                incidents[id] = new LinkedIncident(id, force, details, false);
            }

            return [.. push];
        }

        for (var step = 0; step < 40; step++)
        {
            var force = Writers[random.Next(Writers.Length)];
            var live = incidents.Values.Where(i => i.Force == force && !i.Retracted).ToList();
            switch (random.Next(10))
            {
                case < 2 when live.Count > 0:
                    var retracted = live[random.Next(live.Count)];
                    await graph.RetractsAsync(force, references[retracted.Id]);
                    incidents[retracted.Id] = retracted with { Retracted = true };
                    break;
                case < 5:
                    var other = Writers.Where(w => w != force).ElementAt(random.Next(Writers.Length - 1));
                    await using (var one = graph.Store.LightweightSession(force.TenantId()))
                    await using (var two = graph.Store.LightweightSession(other.TenantId()))
                    {
                        await LinkGraphStore.StageAsync(one, force, DrawPush(force));
                        await LinkGraphStore.StageAsync(two, other, DrawPush(other));
                        await Task.WhenAll(one.SaveChangesAsync(), two.SaveChangesAsync());
                    }

                    break;
                default:
                    await graph.PushesAsync(force, DrawPush(force));
                    break;
            }
        }

        var actual = (await graph.MatchesAsync()).Where(m => m.Contains(" | ∅ | ", StringComparison.Ordinal) && m.Contains(prefix, StringComparison.Ordinal)).ToList();
        var expected = LinkGraphStore.Expected(MatchRule.AcrossForces(incidents.Values), references);
        Assert.True(expected.Count >= 3, $"seed {seed} makes {expected.Count} matches: too few to test the rule");
        Assert.Equal(expected, actual);
    }
}
