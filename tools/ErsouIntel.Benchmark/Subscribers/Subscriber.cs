using System.Diagnostics;
using System.Text.Json;

namespace ErsouIntel.Benchmark.Subscribers;

/// <summary>An alert as one subscriber received it: its id, kind, the force reference of what raised it, and when (<see cref="Stopwatch"/> ticks).</summary>
internal sealed record Received(string Id, string Kind, string? ForceReference, long At);

/// <summary>
/// One investigator's live subscription, held as a well-behaved client holds it: when the server ends
/// it (a reader judged too slow, an event it could not log, a lost connection), it reconnects with the
/// last alert id it saw, backing off (0.2 s doubling to 5 s) while the server keeps ending or refusing
/// it, until the phase ends; a reconnect is counted, not a loss. Everything it receives is kept for the
/// comparison with the outbox.
/// </summary>
internal sealed class Subscriber(string username, string transport, HttpClient sse, Uri baseUrl)
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(5);
    private readonly object gate = new();
    private readonly List<Received> received = [];
    private readonly List<string> ends = [];
    private readonly List<string> errors = [];
    private IAlertStream? stream;
    private string? lastId;

    public string Username { get; } = username;

    public string Token { get; set; } = "";

    public IReadOnlyList<Received> ReceivedSoFar
    {
        get
        {
            lock (gate)
            {
                return [.. received];
            }
        }
    }

    /// <summary>How each stream the server ended (or lost) ended, in order; each was followed by a reconnect while the phase ran.</summary>
    public IReadOnlyList<string> Ends => ends;

    /// <summary>Results that carried errors instead of an alert.</summary>
    public IReadOnlyList<string> Errors => errors;

    public async Task OpenAsync(CancellationToken cancellation)
    {
        var opening = AlertSubscription.Open(transport, sse, baseUrl);
        try
        {
            await opening.OpenAsync(Token, lastId, cancellation);
        }
        catch
        {
            await opening.DisposeAsync();
            throw;
        }

        stream = opening;
    }

    /// <summary>Reads until <paramref name="stop"/>, reconnecting whenever the server ends the stream or refuses to reopen it.</summary>
    public async Task ListenAsync(CancellationToken stop)
    {
        var pause = FirstPause;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (stream is not null)
                {
                    var before = ReceivedCount;
                    var ended = await stream.ReadAsync(OnResult, stop);
                    await stream.DisposeAsync();
                    stream = null;
                    Ended(ended);
                    pause = ReceivedCount > before ? FirstPause : pause;
                }

                await Task.Delay(pause, stop);
                pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
                try
                {
                    await OpenAsync(stop);
                }
                catch (Exception e) when (e is BenchFailure or HttpRequestException or System.Net.WebSockets.WebSocketException or IOException)
                {
                    Ended("reopening refused: " + e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The phase is over.
        }
        finally
        {
            if (stream is not null)
            {
                await stream.DisposeAsync();
            }
        }
    }

    private int ReceivedCount
    {
        get
        {
            lock (gate)
            {
                return received.Count;
            }
        }
    }

    private void Ended(string how)
    {
        lock (gate)
        {
            ends.Add(how);
        }
    }

    private void OnResult(JsonElement result)
    {
        var at = Stopwatch.GetTimestamp();
        if (result.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
            && data.TryGetProperty("alerts", out var alert) && alert.ValueKind == JsonValueKind.Object)
        {
            var reference = ForceReference(alert, "incident") ?? ForceReference(alert, "pointer");
            var id = alert.GetProperty("id").GetString()!;
            lock (gate)
            {
                received.Add(new Received(id, alert.GetProperty("kind").GetString()!, reference, at));
                lastId = id;
            }
        }
        else
        {
            lock (gate)
            {
                errors.Add(GraphQLClient.Trim(result.GetRawText()));
            }
        }
    }

    private static string? ForceReference(JsonElement alert, string field) =>
        alert.TryGetProperty(field, out var record) && record.ValueKind == JsonValueKind.Object
        && record.TryGetProperty("forceReference", out var reference) && reference.ValueKind == JsonValueKind.String
            ? reference.GetString()
            : null;
}
