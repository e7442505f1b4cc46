using ErsouIntel.Api.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ErsouIntel.Benchmark.Subscribers;

/// <summary>
/// Investigators made the way an operator makes them, by the service's own <c>admin add-user</c>
/// (<see cref="AdminCommands"/>, password on its standard input), run here in-process on the bench
/// database: a thousand runs of the executable would take longer than the phase. The password is
/// hashed by the service's hasher, and they sign in through the login page like anyone.
/// </summary>
internal static class BenchUsers
{
    public static async Task CreateAsync(string connectionString, IReadOnlyList<(string Username, string Force)> users, Action created, CancellationToken cancellation)
    {
        var services = new ServiceCollection();
        services.AddDbContext<IdentityStore>(o => o.UseNpgsql(connectionString));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Options.Create(new TokenServerOptions()));
        services.AddScoped<UserAccounts>();
        await using var provider = services.BuildServiceProvider();

        // Two at a time: the hash is meant to cost CPU, and the machine has the service to run too.
        await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellation }, async (user, token) =>
        {
            using var error = new StringWriter();
            var status = await AdminCommands.RunAsync(
                provider, ["add-user", "--username", user.Username, "--role", "investigator", "--force", user.Force],
                new StringReader(Tokens.DevPassword), TextWriter.Null, error, token);
            if (status != 0)
            {
                throw new BenchFailure($"admin add-user {user.Username} failed ({status}): {error.ToString().Trim()}");
            }

            created();
        });
    }
}
