using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ErsouIntel.Api.Hosting;
using ErsouIntel.Domain.Transparency;

namespace ErsouIntel.Api.Audit.Witnesses;

/// <summary>What a witness remembers between rounds: the log's key it pinned and the last checkpoint it cosigned.</summary>
public sealed record WitnessState(string LogVerifierKey, long TreeSize, string RootHash, string Note);

/// <summary>
/// <c>witness run</c>: the small program a force runs beside its own systems to witness the region's access log. Each
/// round it fetches the newest checkpoint over the service's GraphQL API, checks the log's signature with the key it
/// pinned on its first run (never a key the service hands it), checks with a consistency proof that the log only grew
/// since the checkpoint it last cosigned, cosigns, and only then remembers the new checkpoint. A smaller log or a
/// proof that does not verify means the log was cut or rewritten: it refuses, says so on standard error naming both
/// checkpoints, and keeps its state, which is the evidence.
/// </summary>
public static class WitnessRun
{
    public const string Usage = """
        witness run --state FILE --url BASE --client-id ID --key FILE [--log-vkey KEY] [--once] [--interval SECONDS]
            FILE (--state): what the witness remembers (created on the first run); --key: its signer key (witness new-key)
            BASE: the service, e.g. https://intel.example; ID: the force system registered with admin add-witness
            the client's secret: the environment variable ERSOU_WITNESS_SECRET, else one line on stdin
            --log-vkey: the log's verifier key, required on the first run and pinned in the state from then on
            --once: one round; exit 0 cosigned or nothing new, 1 the service or the files could not be used,
                    3 refused: the log was cut or rewritten, or its signature does not verify (state kept)
            --interval: seconds between rounds when running on (default 60)
        """;

    public const string SecretVariable = "ERSOU_WITNESS_SECRET";

    public const int Refused = 3;

    private const string CheckpointQuery = "query AccessLogCheckpoint { accessLogCheckpoint { treeSize rootHash note cosignedBy } }";

    private const string ConsistencyQuery =
        "query AccessLogConsistencyProof($fromSize: Long!, $toSize: Long!) { accessLogConsistencyProof(fromSize: $fromSize, toSize: $toSize) { fromSize toSize path } }";

    private const string CosignMutation =
        "mutation CosignAccessLogCheckpoint($treeSize: Long!, $cosignature: String!) { cosignAccessLogCheckpoint(treeSize: $treeSize, cosignature: $cosignature) { checkpoint { treeSize rootHash cosignedBy } errors { code message } } }";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error, Func<string, string?>? environment = null, CancellationToken cancellation = default)
    {
        Settings settings;
        try
        {
            settings = await SettingsAsync(args, input, environment ?? Environment.GetEnvironmentVariable);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"witness run: {e.Message}");
            await error.WriteLineAsync(Usage);
            return 2;
        }

        using var http = new HttpClient { BaseAddress = settings.Url, Timeout = TimeSpan.FromSeconds(30) };
        while (true)
        {
            int exit;
            try
            {
                exit = await RoundAsync(http, settings, output, error, cancellation);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or IOException or InvalidOperationException or FormatException && !cancellation.IsCancellationRequested)
            {
                await error.WriteLineAsync($"witness run: this round failed, nothing was cosigned: {e.Message}");
                exit = 1;
            }

            if (settings.Once)
            {
                return exit;
            }

            // Running on, a refusal is repeated every round (a monitor watching stderr sees it), never given up on.
            await Task.Delay(settings.Interval, cancellation);
        }
    }

    private static async Task<int> RoundAsync(HttpClient http, Settings settings, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var token = await TokenAsync(http, settings, cancellation);
        var latest = (await GraphQLAsync(http, token, CheckpointQuery, null, cancellation))["accessLogCheckpoint"];
        if (latest is null)
        {
            await output.WriteLineAsync("witness run: the log has signed no checkpoint yet; nothing to cosign.");
            return 0;
        }

        var served = latest["note"]!.GetValue<string>();
        if (!SignedNote.TryParse(served, out var note) || note is null || !Checkpoint.TryParse(note.Text, out var checkpoint) || checkpoint is null)
        {
            return await RefuseAsync(error, settings, "the service sent a checkpoint that is not a C2SP checkpoint in a signed note", null);
        }

        var logKey = settings.LogKey;
        if (checkpoint.Origin != logKey.Name || !note.TryVerify([logKey], out _))
        {
            return await RefuseAsync(error, settings, $"the checkpoint of size {checkpoint.Size} (origin '{checkpoint.Origin}') is not signed by the log's pinned key {logKey}", checkpoint);
        }

        var root = Convert.ToBase64String(checkpoint.RootHash.Span);
        if (settings.State is { } last)
        {
            if (checkpoint.Size < last.TreeSize)
            {
                return await RefuseAsync(error, settings, $"the log was CUT: it now signs size {checkpoint.Size}, smaller than size {last.TreeSize} this witness cosigned", checkpoint);
            }

            if (checkpoint.Size == last.TreeSize && root != last.RootHash)
            {
                return await RefuseAsync(error, settings, $"the log was REWRITTEN: size {checkpoint.Size} now has another root", checkpoint);
            }

            if (checkpoint.Size > last.TreeSize)
            {
                JsonNode proof;
                try
                {
                    proof = (await GraphQLAsync(http, token, ConsistencyQuery, new { fromSize = last.TreeSize, toSize = checkpoint.Size }, cancellation))["accessLogConsistencyProof"]!;
                }
                catch (ServiceRefused e) when (e.Code == "BAD_USER_INPUT")
                {
                    // The log keeps every checkpoint it signed; one this witness cosigned no longer being there is what
                    // deleting the tail with its checkpoints, then growing again, looks like from outside.
                    return await RefuseAsync(error, settings, $"the log was REWRITTEN: it no longer has the checkpoint of size {last.TreeSize} this witness cosigned ({e.Message})", checkpoint);
                }

                var path = proof["path"]!.AsArray().Select(p => Convert.FromBase64String(p!.GetValue<string>())).ToList();
                if (!MerkleVerifier.VerifyConsistency(last.TreeSize, checkpoint.Size, path, Convert.FromBase64String(last.RootHash), checkpoint.RootHash.Span))
                {
                    return await RefuseAsync(error, settings, $"the log was REWRITTEN: size {checkpoint.Size} does not extend size {last.TreeSize} this witness cosigned (the consistency proof does not verify)", checkpoint);
                }
            }
            else if (latest["cosignedBy"]!.AsArray().Any(n => n!.GetValue<string>() == settings.Key.Name))
            {
                await output.WriteLineAsync($"witness run: size {checkpoint.Size} is unchanged and already cosigned by {settings.Key.Name}.");
                return 0;
            }
        }

        var cosignature = Cosignature.Sign(settings.Key, note.Text, DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToLine();
        var answer = (await GraphQLAsync(http, token, CosignMutation, new { treeSize = checkpoint.Size, cosignature }, cancellation))["cosignAccessLogCheckpoint"]!;
        if (answer["errors"]!.AsArray().FirstOrDefault() is { } refused)
        {
            // The log refused our cosignature: nothing is remembered, so the next round tries this checkpoint again.
            await error.WriteLineAsync($"witness run: the service did not take the cosignature of size {checkpoint.Size}: {refused["message"]}");
            return 1;
        }

        await SaveAsync(settings.StateFile, new WitnessState(logKey.ToString(), checkpoint.Size, root, served), cancellation);
        await output.WriteLineAsync($"witness run: cosigned size {checkpoint.Size}, root {root}, as {settings.Key.Name}" +
            (settings.State is { } before ? $" (consistent with size {before.TreeSize})." : " (first checkpoint: trusted on first use)."));
        return 0;
    }

    private static async Task<int> RefuseAsync(TextWriter error, Settings settings, string why, Checkpoint? now)
    {
        var last = settings.State;
        await error.WriteLineAsync("witness run: REFUSED TO COSIGN: " + why + ".");
        await error.WriteLineAsync($"  last cosigned: size {last?.TreeSize.ToString(CultureInfo.InvariantCulture) ?? "none"}, root {last?.RootHash ?? "none"}");
        await error.WriteLineAsync($"  served now:    size {now?.Size.ToString(CultureInfo.InvariantCulture) ?? "?"}, root {(now is null ? "?" : Convert.ToBase64String(now.RootHash.Span))}");
        await error.WriteLineAsync($"  The state file {settings.StateFile} is kept as it was: it is the evidence. Tell the region's auditors (docs/security.md).");
        return Refused;
    }

    private static async Task<string> TokenAsync(HttpClient http, Settings settings, CancellationToken cancellation)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = settings.ClientId,
            ["client_secret"] = settings.Secret,
            ["scope"] = Access.Roles.WitnessScope,
        });
        using var response = await http.PostAsync("connect/token", form, cancellation);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellation));
        return response.IsSuccessStatusCode && body?["access_token"]?.GetValue<string>() is { } token
            ? token
            : throw new InvalidOperationException($"no token for '{settings.ClientId}': {(int)response.StatusCode} {body?["error_description"] ?? body?["error"]}");
    }

    private static async Task<JsonNode> GraphQLAsync(HttpClient http, string token, string query, object? variables, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "graphql")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { query, variables }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await http.SendAsync(request, cancellation);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellation));
        if (body?["errors"] is JsonArray { Count: > 0 } errors)
        {
            throw new ServiceRefused(errors[0]?["extensions"]?["code"]?.GetValue<string>(), $"the service answered {errors[0]?["extensions"]?["code"]}: {errors[0]?["message"]}");
        }

        return body?["data"] ?? throw new InvalidOperationException($"the service answered {(int)response.StatusCode} without data");
    }

    /// <summary>Temp file, flushed, then renamed over the state: a crash leaves the old state or the new, never half of one.</summary>
    private static async Task SaveAsync(string file, WitnessState state, CancellationToken cancellation)
    {
        var temporary = $"{file}.{Environment.ProcessId}.tmp";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            await JsonSerializer.SerializeAsync(stream, state, Json, cancellation);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, file, overwrite: true);
    }

    /// <summary>A GraphQL error: operational (exit 1) unless the round says otherwise.</summary>
    private sealed class ServiceRefused(string? code, string message) : InvalidOperationException(message)
    {
        public string? Code { get; } = code;
    }

    private sealed record Settings(string StateFile, WitnessState? State, Uri Url, string ClientId, string Secret, NoteSigner Key, NoteVerifier LogKey, bool Once, TimeSpan Interval);

    private static async Task<Settings> SettingsAsync(string[] args, TextReader input, Func<string, string?> environment)
    {
        var options = CommandOptions.Parse(args, refuseRepeats: true, flags: ["once"]);
        if (options.Names.FirstOrDefault(n => n is not ("state" or "url" or "client-id" or "key" or "log-vkey" or "interval")) is { } unknown)
        {
            throw new ArgumentException($"Unknown option --{unknown}.");
        }

        var stateFile = options.Required("state");
        var url = Uri.TryCreate(options.Required("url").TrimEnd('/') + "/", UriKind.Absolute, out var u) && u.Scheme is "https" or "http"
            ? u : throw new ArgumentException("--url is the service's address, e.g. https://intel.example.");
        var key = NoteSigner.TryParse((await File.ReadAllTextAsync(options.Required("key"))).Trim(), out var k) && k is not null && k.Type == NoteKeyName.CosignatureV1Type
            ? k : throw new ArgumentException("--key's file does not hold a witness signer key (witness new-key).");
        var interval = options.TryGetValue("interval", out var seconds)
            ? int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s > 0 ? TimeSpan.FromSeconds(s) : throw new ArgumentException("--interval is a whole number of seconds.")
            : TimeSpan.FromMinutes(1);

        WitnessState? state = null;
        if (File.Exists(stateFile))
        {
            try
            {
                state = JsonSerializer.Deserialize<WitnessState>(await File.ReadAllTextAsync(stateFile), Json);
            }
            catch (JsonException e)
            {
                throw new ArgumentException($"--state {stateFile} is not this witness's state: {e.Message}");
            }
        }

        NoteVerifier? pinned = null;
        if (state?.LogVerifierKey is { } known)
        {
            pinned = NoteVerifier.TryParse(known, out var p) ? p : throw new ArgumentException($"--state {stateFile} holds no valid log verifier key.");
            if (options.GetValueOrDefault("log-vkey") is { } given && given != known)
            {
                // A new log key is a decision for a person, not for a flag left in a script.
                throw new ArgumentException($"--log-vkey differs from the key pinned in {stateFile} ({known}). If the log's key was rotated, check that with the region and edit the state file.");
            }
        }
        else if (options.GetValueOrDefault("log-vkey") is { } first)
        {
            pinned = NoteVerifier.TryParse(first, out var p) && p is not null && p.Type == NoteKeyName.Ed25519Type
                ? p : throw new ArgumentException("--log-vkey is not the log's verifier key (a C2SP verifier key of type 0x01).");
        }

        var logKey = pinned ?? throw new ArgumentException("--log-vkey is required on the first run: the log's verifier key, as the region published it.");
        var secret = environment(SecretVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
            : (await input.ReadLineAsync())?.Trim() is { Length: > 0 } fromInput ? fromInput
            : throw new ArgumentException($"The client's secret is missing: set {SecretVariable} or give it as one line on stdin.");
        return new Settings(stateFile, state, url, options.Required("client-id"), secret, key, logKey, options.Has("once"), interval);
    }
}
