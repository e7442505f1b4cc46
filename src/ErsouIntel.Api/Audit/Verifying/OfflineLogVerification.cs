using System.Text.Json;
using ErsouIntel.Api.Audit.Tree;
using ErsouIntel.Api.Hosting;
using ErsouIntel.Domain.Transparency;

namespace ErsouIntel.Api.Audit.Verifying;

/// <summary>
/// <c>log verify --export FILE --checkpoint FILE [--vkey KEY ...]</c>: what an auditor or a force runs, with no database
/// and no service, to show that an <c>audit-export</c> file is the log a checkpoint kept elsewhere vouches for. It walks
/// the export's chain (<see cref="AccessLogChainWalk"/>), recomputes every leaf from the stored fields and the Merkle
/// root at the checkpoint's size (<see cref="AccessLogTreeWalk"/>, the rule <c>verifyAccessLog</c> applies too), and
/// checks the checkpoint's signature with keys the auditor was given out of band, never with keys in the files. Each
/// check is reported by name (signature, cut, rewritten, chain) so that the one that failed says what happened.
/// </summary>
public static class OfflineLogVerification
{
    public const string Usage = """
        log verify --export FILE --checkpoint FILE [--vkey KEY ...]
            FILE: an audit-export file from sequence 1; a checkpoint (C2SP signed note, e.g. GET /log/checkpoint) kept elsewhere
            KEY: the log's verifier key (and any witness's, type 0x04), as published; at least one must be the log's
            exit 0 only when the signature verifies, the export holds every entry the checkpoint covers, their root is the
            one signed and their chain holds; 1 when one of those fails (each is named); 2 when the files cannot be read
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellation = default)
    {
        string exportFile, checkpointFile;
        List<NoteVerifier> keys = [];
        try
        {
            var options = CommandOptions.Parse(args, refuseRepeats: true, repeatable: ["vkey"]);
            if (options.Names.FirstOrDefault(n => n is not ("export" or "checkpoint" or "vkey")) is { } unknown)
            {
                throw new ArgumentException($"Unknown option --{unknown}.");
            }

            exportFile = options.Required("export");
            checkpointFile = options.Required("checkpoint");
            foreach (var text in options.All("vkey"))
            {
                keys.Add(NoteVerifier.TryParse(text, out var key) && key is not null
                    ? key
                    : throw new ArgumentException($"--vkey '{text}' is not a C2SP verifier key (name+keyid+base64)."));
            }
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync($"log verify: {e.Message}");
            await error.WriteLineAsync(Usage);
            return 2;
        }

        SignedNote note;
        Checkpoint checkpoint;
        try
        {
            var text = await File.ReadAllTextAsync(checkpointFile, cancellation);
            if (!SignedNote.TryParse(text, out var parsed) || parsed is null || !Checkpoint.TryParse(parsed.Text, out var body) || body is null)
            {
                await error.WriteLineAsync($"log verify: {checkpointFile} is not a C2SP checkpoint in a signed note (origin, size, root, a blank line, signature lines).");
                return 2;
            }

            (note, checkpoint) = (parsed, body);
        }
        catch (IOException e)
        {
            await error.WriteLineAsync($"log verify: cannot read the checkpoint: {e.Message}");
            return 2;
        }

        var tree = new AccessLogTreeWalk([new CheckedCheckpoint(checkpoint.Size, checkpoint.RootHash.ToArray(), SignatureValid: true)]);
        var chain = new AccessLogChainWalk();
        try
        {
            if (await WalkAsync(exportFile, tree, chain, cancellation) is { } unreadable)
            {
                await error.WriteLineAsync($"log verify: {exportFile}: {unreadable}");
                return 2;
            }
        }
        catch (IOException e)
        {
            await error.WriteLineAsync($"log verify: cannot read the export: {e.Message}");
            return 2;
        }

        tree.Finish();
        var root = Convert.ToBase64String(checkpoint.RootHash.Span);
        await output.WriteLineAsync($"checkpoint: {checkpoint.Origin}, size {checkpoint.Size}, root {root}");
        await output.WriteLineAsync($"export: {tree.Size} entries from sequence 1");

        var failed = new List<string>();
        // The log's own signature, by a key named for the checkpoint's origin; witnesses' keys only add cosignatures.
        var logKeys = keys.Where(k => k.Type == NoteKeyName.Ed25519Type && k.Name == checkpoint.Origin).ToList();
        var verified = note.TryVerify(keys, out var by);
        if (logKeys.Count == 0)
        {
            failed.Add("signature");
            await error.WriteLineAsync($"FAILED signature: no --vkey is a log key named '{checkpoint.Origin}', so nothing vouches for this checkpoint.");
        }
        else if (!verified || !by.Any(logKeys.Contains))
        {
            failed.Add("signature");
            await error.WriteLineAsync(verified
                ? $"FAILED signature: the checkpoint carries no signature by the log keys given ({string.Join(", ", logKeys.Select(k => $"{k.Name}+{k.KeyId:x8}"))})."
                : "FAILED signature: a signature by a key given does not verify: the checkpoint was altered or not signed by that key.");
        }
        else
        {
            var witnesses = by.Where(k => k.Type == NoteKeyName.CosignatureV1Type).Select(k => k.Name).ToList();
            await output.WriteLineAsync($"signature: verified by {string.Join(", ", by.Where(k => k.Type == NoteKeyName.Ed25519Type).Select(k => $"{k.Name}+{k.KeyId:x8}"))}" +
                (witnesses.Count > 0 ? $"; cosigned by {string.Join(", ", witnesses)}" : "; no cosignature by a witness key given"));
        }

        if (checkpoint.Size > tree.Size)
        {
            failed.Add("cut");
            await error.WriteLineAsync(
                $"FAILED cut: the checkpoint covers {checkpoint.Size} entries but the export holds only {tree.Size}: entries {tree.Size + 1} to {checkpoint.Size} are gone (the log was cut, or the export is incomplete).");
        }
        else if (tree.FirstInvalid is not null)
        {
            failed.Add("rewritten");
            await error.WriteLineAsync(
                $"FAILED rewritten: the Merkle root of entries 1 to {checkpoint.Size} recomputed from the export is not the checkpoint's root {root}: entries it covers were changed.");
        }
        else
        {
            await output.WriteLineAsync($"root: entries 1 to {checkpoint.Size} recompute to the checkpoint's root");
        }

        var chained = chain.Result;
        if (!chained.Valid)
        {
            failed.Add("chain");
            await error.WriteLineAsync($"FAILED chain: sequence {chained.FirstInvalidSequence} is missing, or its hashes do not match its contents.");
        }
        else
        {
            await output.WriteLineAsync($"chain: {chained.EntriesChecked} entries chain from the genesis hash");
        }

        if (failed.Count > 0)
        {
            await error.WriteLineAsync($"log verify: NOT VERIFIED ({string.Join(", ", failed)}).");
            return 1;
        }

        await output.WriteLineAsync($"log verify: VERIFIED: the export's first {checkpoint.Size} entries are the log the checkpoint signed.");
        return 0;
    }

    /// <summary>Feeds the export's entries to both walks; returns why the file is not an export from sequence 1, or null.</summary>
    private static async Task<string?> WalkAsync(string file, AccessLogTreeWalk tree, AccessLogChainWalk chain, CancellationToken cancellation)
    {
        using var reader = new StreamReader(file);
        var number = 0;
        var headerSeen = false;
        while (await reader.ReadLineAsync(cancellation) is { } line)
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            ExportLine? parsed;
            try
            {
                parsed = JsonSerializer.Deserialize<ExportLine>(line, Json);
            }
            catch (JsonException e)
            {
                return $"line {number} is not JSON: {e.Message}";
            }

            if (parsed?.Header is { } version)
            {
                if (version != AccessLogChain.Version)
                {
                    return $"its chain version is '{version}', not {AccessLogChain.Version}.";
                }

                if (parsed.From != 1 || parsed.StartsAfterHash != AccessLogChain.Genesis)
                {
                    return $"it starts at sequence {parsed.From}: only an export from sequence 1 (audit-export without --from) holds every leaf of the tree.";
                }

                headerSeen = true;
            }
            else if (parsed?.Entry is { } entry && parsed.Hash is { } hash)
            {
                if (!headerSeen)
                {
                    return "it has no header line: not an audit-export file.";
                }

                chain.Add(entry, hash);
                tree.Add(AccessLogTree.LeafHash(entry));
            }
        }

        return headerSeen ? null : "it has no header line: not an audit-export file.";
    }

    /// <summary>Any line of an export: the header, an entry with its hash, or the last line (whose claims are not trusted).</summary>
    private sealed record ExportLine(string? Header, long? From, string? StartsAfterHash, StoredEntry? Entry, string? Hash);
}
