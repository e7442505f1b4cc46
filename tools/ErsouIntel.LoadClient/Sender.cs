using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ErsouIntel.LoadClient;

public sealed record SendOptions(
    Uri BaseUrl,
    int Count,
    int Seed,
    string RunTag,
    int BatchSize,
    string AckFile,
    TimeSpan RequestTimeout,
    TimeSpan RetryFor,
    TimeSpan Deadline,
    IReadOnlyDictionary<string, string> Secrets);

/// <summary>What the six clients did, counted as they go.</summary>
internal sealed class SendStats
{
    public long Acknowledged;
    public long Created;
    public long Unchanged;
    public long Amended;
    public long Rejected;
    public long GivenUp;
    public long Requests;
    public long Resends;
    public long ConnectionFailures;
    public long Timeouts;
    public long ExecutionTimeouts;
    public long ServerErrors;
    public long Unauthorized;
    public long RateLimited;
    public long GraphQLErrors;
    public long Tokens;
}

/// <summary>
/// <c>send</c>: six force systems, one per force, each pushing its share of the incidents in
/// batches with <c>reportIncidents</c>. A batch that gets no answer (connection refused or reset,
/// timeout, 5xx, 429, a 200 without data) is sent again, unchanged, until it is acknowledged or
/// <see cref="SendOptions.RetryFor"/> has passed since its first attempt: resending is safe,
/// because the same content answers <c>UNCHANGED</c>.
/// </summary>
public static class Sender
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task<int> RunAsync(SendOptions options, TextWriter output, CancellationToken cancellation)
    {
        var incidents = IncidentGenerator.Generate(options.Seed, options.Count, options.RunTag);
        var query = ReadOperation();
        var stats = new SendStats();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(options.Deadline);
        using var acks = new AckFile(options.AckFile);
        using var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), ConnectTimeout = TimeSpan.FromSeconds(5) };
        using var http = new HttpClient(handler) { BaseAddress = options.BaseUrl, Timeout = options.RequestTimeout };

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"send: {incidents.Count} incidents (seed {options.Seed}, run {options.RunTag}) to {options.BaseUrl} from {IncidentGenerator.Forces.Count} force systems, batches of {options.BatchSize}; acknowledgements to {options.AckFile}"));
        var clock = Stopwatch.StartNew();
        using var progress = new CancellationTokenSource();
        var reporter = ReportProgressAsync(stats, incidents.Count, clock, output, progress.Token);

        var clients = IncidentGenerator.Forces.Select(force =>
        {
            var mine = incidents.Where(i => i.Force == force).Select(i => i.Input).ToList();
            var client = new ForceClient(http, force, options, query, acks, stats, output);
            return client.RunAsync(mine, deadline.Token);
        }).ToList();
        await Task.WhenAll(clients);
        await progress.CancelAsync();
        await reporter;

        var elapsed = clock.Elapsed;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"send: done in {elapsed.TotalSeconds:F1} s: {stats.Acknowledged} of {incidents.Count} acknowledged ({stats.Created} CREATED, {stats.Unchanged} UNCHANGED, {stats.Amended} AMENDED), {stats.Rejected} rejected, {stats.GivenUp} given up; " +
            $"{stats.Requests} requests, {stats.Resends} batches resent; {stats.ConnectionFailures} connection failures, {stats.Timeouts} client timeouts, {stats.ExecutionTimeouts} 400 TIMEOUT answers, {stats.ServerErrors} 5xx, {stats.Unauthorized} 401, {stats.RateLimited} 429, {stats.GraphQLErrors} answers without data; {stats.Tokens} tokens; {stats.Acknowledged / Math.Max(elapsed.TotalSeconds, 0.001):F0} incidents/s"));
        return stats.Acknowledged == incidents.Count ? 0 : 1;
    }

    private static string ReadOperation()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("ReportIncidents.graphql")
            ?? throw new InvalidOperationException("The ReportIncidents operation is not embedded.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static async Task ReportProgressAsync(SendStats stats, int total, Stopwatch clock, TextWriter output, CancellationToken cancellation)
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), cancellation);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"send: {clock.Elapsed.TotalSeconds,6:F1} s  acknowledged {Interlocked.Read(ref stats.Acknowledged),6}/{total}  resends {Interlocked.Read(ref stats.Resends)}  connection failures {Interlocked.Read(ref stats.ConnectionFailures)}  timeouts {Interlocked.Read(ref stats.Timeouts)}  400-TIMEOUT {Interlocked.Read(ref stats.ExecutionTimeouts)}  5xx {Interlocked.Read(ref stats.ServerErrors)}  401 {Interlocked.Read(ref stats.Unauthorized)}"));
            }
        }
        catch (OperationCanceledException)
        {
            // Sending finished.
        }
    }

    internal static string Serialize(object value) => JsonSerializer.Serialize(value, Json);

    /// <summary>One force system: its token, its batches, its retries.</summary>
    private sealed class ForceClient(HttpClient http, ForceSpec force, SendOptions options, string query, AckFile acks, SendStats stats, TextWriter output)
    {
        private string? token;
        private DateTimeOffset tokenExpires;

        public async Task RunAsync(List<IncidentInput> incidents, CancellationToken cancellation)
        {
            for (var start = 0; start < incidents.Count; start += options.BatchSize)
            {
                var batch = incidents.GetRange(start, Math.Min(options.BatchSize, incidents.Count - start));
                if (cancellation.IsCancellationRequested)
                {
                    Interlocked.Add(ref stats.GivenUp, batch.Count);
                    continue;
                }

                try
                {
                    await SendUntilAcknowledgedAsync(batch, cancellation);
                }
                catch (Exception e) when (e is InvalidOperationException or JsonException)
                {
                    // An answer no resend can fix: this force stops, the others carry on, the run fails.
                    Interlocked.Add(ref stats.GivenUp, incidents.Count - start);
                    await output.WriteLineAsync($"send: {force.ClientId} stopped at {batch[0].ForceReference}: {e.Message}");
                    return;
                }
            }
        }

        private async Task SendUntilAcknowledgedAsync(List<IncidentInput> batch, CancellationToken cancellation)
        {
            var pending = batch;
            var giveUpAt = DateTimeOffset.UtcNow + options.RetryFor;
            var wait = TimeSpan.FromMilliseconds(250);
            for (var attempt = 1; pending.Count > 0; attempt++)
            {
                if (attempt > 1)
                {
                    Interlocked.Increment(ref stats.Resends);
                }

                TimeSpan? retryAfter;
                try
                {
                    (pending, retryAfter) = await SendOnceAsync(pending, cancellation);
                }
                catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
                {
                    break;
                }

                if (pending.Count == 0)
                {
                    return;
                }

                if (DateTimeOffset.UtcNow >= giveUpAt || cancellation.IsCancellationRequested)
                {
                    break;
                }

                // Jitter, so six clients that lost the service together do not all come back in the same instant.
                var delay = retryAfter ?? wait * (0.5 + Random.Shared.NextDouble());
                wait = TimeSpan.FromMilliseconds(Math.Min(wait.TotalMilliseconds * 2, 4000));
                try
                {
                    await Task.Delay(delay, cancellation);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            if (pending.Count > 0)
            {
                Interlocked.Add(ref stats.GivenUp, pending.Count);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"send: {force.ClientId} gave up on {pending.Count} reports from {pending[0].ForceReference} (no acknowledgement within {options.RetryFor.TotalSeconds:F0} s or the run's deadline)"));
            }
        }

        /// <summary>One attempt. Returns the reports still to send (none when all were answered) and how long the service asked us to wait.</summary>
        private async Task<(List<IncidentInput> Pending, TimeSpan? RetryAfter)> SendOnceAsync(List<IncidentInput> batch, CancellationToken cancellation)
        {
            HttpResponseMessage response;
            try
            {
                var bearer = await TokenAsync(cancellation);
                if (bearer is null)
                {
                    return (batch, null);
                }

                using var request = new HttpRequestMessage(HttpMethod.Post, "graphql")
                {
                    Content = new StringContent(Serialize(new { query, operationName = "ReportIncidents", variables = new { inputs = batch } }), Encoding.UTF8, "application/json"),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/graphql-response+json"));
                Interlocked.Increment(ref stats.Requests);
                response = await http.SendAsync(request, cancellation);
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref stats.ConnectionFailures);
                return (batch, null);
            }
            catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
            {
                Interlocked.Increment(ref stats.Timeouts);
                return (batch, null);
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    // A restarted service in Development signs with new keys: get a new token.
                    Interlocked.Increment(ref stats.Unauthorized);
                    token = null;
                    return (batch, null);
                }

                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    Interlocked.Increment(ref stats.RateLimited);
                    return (batch, response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(5));
                }

                if (status >= 500)
                {
                    Interlocked.Increment(ref stats.ServerErrors);
                    return (batch, response.Headers.RetryAfter?.Delta);
                }

                string body;
                try
                {
                    body = await response.Content.ReadAsStringAsync(cancellation);
                }
                catch (Exception e) when (e is HttpRequestException or IOException)
                {
                    // The connection died while the answer was on its way: nothing was acknowledged.
                    Interlocked.Increment(ref stats.ConnectionFailures);
                    return (batch, null);
                }
                catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
                {
                    Interlocked.Increment(ref stats.Timeouts);
                    return (batch, null);
                }

                if (status == 400 && IsExecutionTimeout(body))
                {
                    // The service gave up on the batch after its execution timeout; part of it may be
                    // stored. Not the client's fault whatever the status says: resend, it is safe.
                    Interlocked.Increment(ref stats.ExecutionTimeouts);
                    return (batch, null);
                }

                if (status != 200)
                {
                    throw new InvalidOperationException($"{force.ClientId}: the service answered {status} to a batch, which no resend can fix: {Trim(body)}");
                }

                return (Acknowledge(batch, body), null);
            }
        }

        /// <summary>An answer whose every error carries <c>extensions.code = "TIMEOUT"</c> (graphql-dotnet's execution timeout).</summary>
        private static bool IsExecutionTimeout(string body)
        {
            try
            {
                using var json = JsonDocument.Parse(body);
                return json.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0
                    && errors.EnumerateArray().All(e => e.TryGetProperty("extensions", out var x) && x.ValueKind == JsonValueKind.Object
                        && x.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String && code.GetString() == "TIMEOUT");
            }
            catch (JsonException)
            {
                return false;
            }
        }

        /// <summary>Records the payloads that have an outcome and no errors; returns what is left to send.</summary>
        private List<IncidentInput> Acknowledge(List<IncidentInput> batch, string body)
        {
            using var json = JsonDocument.Parse(body);
            if (!json.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
                || !data.TryGetProperty("reportIncidents", out var payloads) || payloads.ValueKind != JsonValueKind.Array)
            {
                // Executed but failed as a whole (a timeout, the database away): nothing is acknowledged.
                Interlocked.Increment(ref stats.GraphQLErrors);
                return batch;
            }

            if (payloads.GetArrayLength() != batch.Count)
            {
                throw new InvalidOperationException($"{force.ClientId}: {payloads.GetArrayLength()} payloads for {batch.Count} inputs.");
            }

            var acknowledged = new List<Acknowledgement>();
            var pending = new List<IncidentInput>();
            var index = 0;
            foreach (var payload in payloads.EnumerateArray())
            {
                var input = batch[index++];
                var outcome = payload.TryGetProperty("outcome", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
                var errors = payload.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Array ? e.GetArrayLength() : 0;
                if (outcome is not null && errors == 0)
                {
                    var incident = payload.TryGetProperty("incident", out var i) && i.ValueKind == JsonValueKind.Object ? i : default;
                    acknowledged.Add(new Acknowledgement(
                        force.Name,
                        input.ForceReference,
                        outcome,
                        incident.ValueKind == JsonValueKind.Object && incident.TryGetProperty("id", out var id) ? id.GetString() : null,
                        incident.ValueKind == JsonValueKind.Object && incident.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null));
                }
                else if (errors > 0)
                {
                    // Refused for its content: resending the same content cannot help.
                    Interlocked.Increment(ref stats.Rejected);
                    output.WriteLine($"send: {force.ClientId} {input.ForceReference} refused: {Trim(payload.GetProperty("errors").GetRawText())}");
                }
                else
                {
                    pending.Add(input);
                }
            }

            acks.Append(acknowledged);
            Interlocked.Add(ref stats.Acknowledged, acknowledged.Count);
            Interlocked.Add(ref stats.Created, acknowledged.Count(a => a.Outcome == "CREATED"));
            Interlocked.Add(ref stats.Unchanged, acknowledged.Count(a => a.Outcome == "UNCHANGED"));
            Interlocked.Add(ref stats.Amended, acknowledged.Count(a => a.Outcome == "AMENDED"));
            return pending;
        }

        /// <summary>A client-credentials token, fetched again when missing or about to expire; null when the token endpoint did not answer.</summary>
        private async Task<string?> TokenAsync(CancellationToken cancellation)
        {
            if (token is not null && DateTimeOffset.UtcNow < tokenExpires)
            {
                return token;
            }

            if (!options.Secrets.TryGetValue(force.ClientId, out var secret))
            {
                secret = force.Name.ToLowerInvariant() + "-dev-secret";
            }

            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = force.ClientId,
                ["client_secret"] = secret,
                ["scope"] = "intel:write",
            });
            using var response = await http.PostAsync("connect/token", form, cancellation);
            if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Interlocked.Increment(ref stats.ServerErrors);
                return null;
            }

            var body = await response.Content.ReadAsStringAsync(cancellation);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{force.ClientId}: the token endpoint answered {(int)response.StatusCode}: {Trim(body)}");
            }

            using var json = JsonDocument.Parse(body);
            token = json.RootElement.GetProperty("access_token").GetString();
            var lifetime = json.RootElement.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number ? e.GetInt32() : 300;
            tokenExpires = DateTimeOffset.UtcNow.AddSeconds(Math.Max(lifetime - 60, 10));
            Interlocked.Increment(ref stats.Tokens);
            return token;
        }

        private static string Trim(string text) => text.Length <= 500 ? text : text[..500] + "...";
    }
}
