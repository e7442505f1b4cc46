using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ErsouIntel.Api.Audit.Verifying;
using ErsouIntel.Api.Hosting;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using ErsouIntel.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace ErsouIntel.Api.Tests.Instances;

/// <summary>
/// Two real service processes on loopback against one database, the link graph applied by the
/// async daemon (HotCold): the instance that holds the daemon is killed with SIGKILL in the middle
/// of an ingest through both, and the other takes over with nothing lost or doubled.
/// </summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    private static readonly Force[] Senders = [Force.Hertfordshire, Force.Essex, Force.Suffolk];
    private const int Groups = 120;
    private const int BatchSize = 10;
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task When_the_instance_running_the_projections_is_killed_mid_ingest_the_other_takes_over_and_nothing_is_lost_or_doubled()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync(nameof(FailoverTests));
        using var keys = SharedTokenKeys.Create();
        var instances = new List<ServiceProcess>();
        try
        {
            var environment = SharedSettings(connectionString, keys);
            // The first applies the schema and seeds the development clients; the second finds them.
            instances.Add(await ServiceProcess.StartAsync("a", ApiBuild.Dll(), With(environment, ("Storage__ApplySchemaOnStartup", "true"), ("ConnectionStrings__Postgres", Named(connectionString, "ersou-a"))), Bounded));
            instances.Add(await ServiceProcess.StartAsync("b", ApiBuild.Dll(), With(environment, ("Storage__ApplySchemaOnStartup", "false"), ("ConnectionStrings__Postgres", Named(connectionString, "ersou-b"))), Bounded));
            var (a, b) = (instances[0], instances[1]);

            // Tokens from instance a only: b must take them (the same signing and encryption keys).
            var tokens = new Dictionary<Force, string>();
            foreach (var force in Senders)
            {
                tokens[force] = await TokenAsync(a, force);
            }

            var holder = await WaitForAsync(async () => await DaemonHolderAsync(connectionString), h => h is not null, "an instance to take the daemon's lock");
            var leader = holder == "ersou-a" ? a : b;
            var survivor = leader == a ? b : a;
            output.WriteLine($"The daemon runs on instance {leader.Name}; killing it mid-ingest.");

            // Every force pushes its incidents in batches, alternating between the live instances; a
            // batch whose instance died under it is sent again to the survivor, as a force system would.
            var total = Groups * Senders.Length;
            var batchesPerForce = Groups / BatchSize;
            var acknowledged = 0;
            var killAt = total / 3;
            var live = new List<ServiceProcess> { a, b };
            var outcomes = new System.Collections.Concurrent.ConcurrentBag<string>();
            var retried = 0;
            var ackedAtKill = 0;
            var killed = new TaskCompletionSource();

            // The sender whose batch crosses a third kills the leader at once, while the others' requests are in flight.
            async Task KillLeaderAsync()
            {
                ackedAtKill = Volatile.Read(ref acknowledged);
                await leader.KillAsync();
                lock (live)
                {
                    live.Remove(leader);
                }

                killed.SetResult();
            }

            async Task SendAsync(Force force)
            {
                for (var batch = 0; batch < batchesPerForce; batch++)
                {
                    var inputs = Enumerable.Range(batch * BatchSize, BatchSize).Select(g => Incident(force, g)).ToArray();
                    for (var attempt = 1; ; attempt++)
                    {
                        ServiceProcess target;
                        lock (live)
                        {
                            target = live[(batch + attempt + (int)force) % live.Count];
                        }

                        var answer = await TryReportAsync(target, tokens[force], inputs);
                        if (answer is not null)
                        {
                            foreach (var payload in answer)
                            {
                                Assert.True(payload!["errors"]!.AsArray().Count == 0, $"instance {target.Name}: {payload.ToJsonString()}");
                                outcomes.Add(payload["outcome"]!.GetValue<string>());
                            }

                            var now = Interlocked.Add(ref acknowledged, BatchSize);
                            if (now >= killAt && now - BatchSize < killAt)
                            {
                                _ = Task.Run(KillLeaderAsync);
                            }

                            break;
                        }

                        Assert.True(attempt < 10, $"{force}: batch {batch} was refused ten times.");
                        Interlocked.Increment(ref retried);
                        await Task.Delay(200);
                    }
                }
            }

            var senders = Senders.Select(force => Task.Run(() => SendAsync(force))).ToList();
            await WaitForAsync(
                async () =>
                {
                    // A sender that failed says why at once, rather than as a wait that timed out.
                    if (senders.FirstOrDefault(s => s.IsFaulted) is { } failed)
                    {
                        await failed;
                    }

                    return killed.Task.IsCompleted;
                },
                done => done,
                "a third of the incidents acknowledged and the leader killed");
            var lagAtKill = await LagAsync(connectionString);
            Assert.True(ackedAtKill < total, "Every incident was acknowledged before the kill: nothing was in flight.");
            output.WriteLine($"Killed {leader.Name} after {ackedAtKill} of {total} acknowledged; just after, the projection was {lagAtKill} events behind.");
            await Task.WhenAll(senders).WaitAsync(Bounded * 2);
            output.WriteLine($"All {total} incidents acknowledged ({retried} batches sent again).");

            // The survivor takes the daemon's lock and catches up.
            var after = await WaitForAsync(async () => await DaemonHolderAsync(connectionString), h => h == Named(survivor), "the survivor to take the daemon's lock");
            Assert.Equal(Named(survivor), after);
            await WaitForAsync(async () => await LagAsync(connectionString), lag => lag == 0, "the survivor's daemon to catch up");

            // Every incident once in the event store and once in the graph, with its links and matches.
            await using var db = NpgsqlDataSource.Create(connectionString);
            Assert.Equal(total, await ScalarAsync(db, "select count(*) from ersou.mt_events where type = 'incident_reported'"));
            Assert.Equal(total, await ScalarAsync(db, "select count(distinct (force, force_reference)) from ersou.li_incidents"));
            Assert.Equal(total, await ScalarAsync(db, "select count(*) from ersou.li_incidents"));
            Assert.Equal(0, await ScalarAsync(db,
                "select count(*) from ersou.mt_streams s where s.type = 'incident' and not exists (select 1 from ersou.li_incidents i where i.id = s.id)"));
            Assert.Equal(2 * total, await ScalarAsync(db, "select count(*) from ersou.li_links where kind = 'PHONE'"));
            Assert.Equal(0, await ScalarAsync(db, "select count(*) from ersou.li_incidents i where (select count(*) from ersou.li_links l where l.incident_id = i.id) <> 2"));
            Assert.Equal(Groups, await ScalarAsync(db, "select count(*) from ersou.li_matches"));
            Assert.Equal(Groups, await ScalarAsync(db,
                "select count(*) from ersou.li_matches m where m.forces = array['ESSEX','HERTFORDSHIRE','SUFFOLK'] and (select count(*) from ersou.li_match_incidents mi where mi.match_id = m.id) = 3"));
            Assert.Equal(total, await ScalarAsync(db, "select count(*) from ersou.li_match_incidents"));
            Assert.Equal(0, await ScalarAsync(db, "select count(*) from ersou.li_dead_letters"));
            Assert.Equal(total, outcomes.Count(o => o == "CREATED") + outcomes.Count(o => o == "UNCHANGED" && retried > 0));

            // The access log was written by both processes at once and still verifies end to end.
            var verification = await new AccessLogVerifier(db).VerifyAsync(CancellationToken.None);
            Assert.True(verification.Valid, $"The access log breaks at sequence {verification.FirstInvalidSequence}.");
            Assert.True(verification.EntriesChecked >= Senders.Length * batchesPerForce, $"Only {verification.EntriesChecked} access-log entries.");
        }
        catch
        {
            foreach (var instance in instances)
            {
                output.WriteLine($"--- instance {instance.Name} ---{Environment.NewLine}{instance.Output}");
            }

            throw;
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }

            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }

    /// <summary>
    /// Incident <paramref name="group"/> of a force: a number shared with the same group of the other
    /// two forces (one cross-force match per group) and a number of its own (no match).
    /// </summary>
    private static Dictionary<string, object?> Incident(Force force, int group) =>
        AnIncident.Courier(
            $"{force.TenantId()[..2]}/FAIL/{group:D4}",
            phones: [string.Create(CultureInfo.InvariantCulture, $"07911 {100000 + group}"), string.Create(CultureInfo.InvariantCulture, $"07922 {100000 + (group * 10) + (int)force}")]);

    private static Dictionary<string, string> SharedSettings(string connectionString, SharedTokenKeys keys) =>
        new(keys.Settings)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            // The counts below are of this test's incidents only: no demo intelligence.
            ["Demo__Seed"] = "false",
            ["LinkGraph__Apply"] = "Daemon",
            ["LinkGraph__LeadershipPolling"] = "00:00:01",
            ["RateLimits__RequestsPerWindow"] = "1000000",
            ["ConnectionStrings__Postgres"] = connectionString,
            // As behind a load balancer: each instance is reached at its own address, and all issue and accept one name.
            ["Identity__Issuer"] = TwoInstances.PublicUrl,
        };

    private static Dictionary<string, string> With(Dictionary<string, string> settings, params (string Key, string Value)[] more)
    {
        var copy = new Dictionary<string, string>(settings);
        foreach (var (key, value) in more)
        {
            copy[key] = value;
        }

        return copy;
    }

    /// <summary>Each instance's connections carry its name, so pg_stat_activity says which one holds a lock.</summary>
    private static string Named(string connectionString, string applicationName) =>
        new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = applicationName }.ConnectionString;

    private static string Named(ServiceProcess instance) => "ersou-" + instance.Name;

    /// <summary>
    /// The instance holding the daemon's advisory lock for the shard, if any. JasperFx numbers it
    /// DaemonLockId (4444) plus a 31-bit hash of schema and shard: a key whose high 32 bits are 0,
    /// unlike the access log's and the matches' 64-bit keys.
    /// </summary>
    private static async Task<string?> DaemonHolderAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select string_agg(distinct a.application_name, ',') from pg_locks l join pg_stat_activity a on a.pid = l.pid " +
            "where l.locktype = 'advisory' and l.granted and l.database = (select oid from pg_database where datname = current_database()) " +
            "and a.application_name like 'ersou-%' and l.classid = 0 and l.objsubid = 1", connection);
        return await command.ExecuteScalarAsync() as string;
    }

    /// <summary>Events stored but not yet applied by the link-graph shard.</summary>
    private static async Task<long> LagAsync(string connectionString)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        var lag = await ErsouIntel.Api.Telemetry.ProjectionLag.ReadAsync(db, CancellationToken.None);
        return lag.TryGetValue("LinkGraph:All", out var behind) ? behind : await ScalarAsync(db, "select coalesce(max(seq_id), 0) from ersou.mt_events");
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        var last = await read();
        while (!done(last))
        {
            Assert.True(clock.Elapsed < Bounded, $"Waited {Bounded} for {what}; last seen: {last}.");
            await Task.Delay(250);
            last = await read();
        }

        return last;
    }

    private static async Task<string> TokenAsync(ServiceProcess instance, Force force)
    {
        using var http = new HttpClient { BaseAddress = instance.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        var name = force.TenantId().ToLowerInvariant();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = $"{name}-system",
            ["client_secret"] = $"{name}-dev-secret",
            ["scope"] = "intel:write",
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, "connect/token") { Content = form };
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"instance {instance.Name}'s token endpoint: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!["access_token"]!.GetValue<string>();
    }

    /// <summary>reportIncidents through one instance; null when the instance is gone or refused (the batch is sent again).</summary>
    private static async Task<JsonArray?> TryReportAsync(ServiceProcess instance, string token, object[] inputs)
    {
        using var http = new HttpClient { BaseAddress = instance.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "graphql")
        {
            Content = new StringContent(
                JsonSerializer.Serialize(new { query = ContractOperations.Text(ContractOperations.ReportIncidents), variables = new { inputs } }),
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/graphql-response+json"));
        try
        {
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode >= 500)
            {
                return null;
            }

            var body = JsonNode.Parse(text);
            Assert.True(response.IsSuccessStatusCode && body?["errors"] is null, $"instance {instance.Name}: {(int)response.StatusCode} {text}");
            return body!["data"]!["reportIncidents"]!.AsArray();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return null;
        }
    }
}
