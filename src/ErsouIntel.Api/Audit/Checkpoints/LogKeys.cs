using System.Security.Cryptography;
using System.Text;
using ErsouIntel.Api.Hosting;
using ErsouIntel.Domain.Transparency;

namespace ErsouIntel.Api.Audit.Checkpoints;

/// <summary>
/// The log's signing key and the verifier keys it publishes. The key comes from a file or a secret, never from the
/// database: whoever holds the database must not be able to sign a rewritten log. Development keeps a throwaway
/// key in the repository's git-ignored <c>.local/</c> folder (so checkpoints survive a restart), tests a fixed,
/// public one; anywhere else a missing key stops the service from starting.
/// </summary>
public sealed class LogKeys
{
    public LogKeys(NoteSigner signer, IReadOnlyList<NoteVerifier> earlier)
    {
        Signer = signer;
        Earlier = earlier;
    }

    public NoteSigner Signer { get; }

    /// <summary>Keys the log signed with before this one (rotation), newest first as configured.</summary>
    public IReadOnlyList<NoteVerifier> Earlier { get; }

    public string Origin => Signer.Name;

    /// <summary>The log's current key, then its earlier keys (the contract's <c>verifierKeys</c> before the witnesses').</summary>
    public IEnumerable<NoteVerifier> Verifiers => [Signer.Verifier, .. Earlier];

    public static LogKeys From(LogOptions options, IHostEnvironment environment)
    {
        var relaxed = environment.IsDevelopment() || environment.IsEnvironment("Testing");
        var origin = options.Origin ?? (relaxed ? DevelopmentOrigin : throw new InvalidOperationException(
            "Log:Origin is not set: the access log's checkpoints need the log's name (docs/operations.md, \"The access log's signing key\")."));
        if (!NoteKeyName.IsValid(origin))
        {
            throw new InvalidOperationException($"Log:Origin '{origin}' is not a valid key name: no spaces, no '+', not empty.");
        }

        var text = options.SigningKeyFile is { } file ? File.ReadAllText(file).Trim()
            : options.SigningKey?.Trim() is { Length: > 0 } inline ? inline
            : relaxed ? ThrowawayKey(origin, environment)
            : throw new InvalidOperationException(
                "Neither Log:SigningKeyFile nor Log:SigningKey is set: the access log cannot sign its checkpoints. " +
                "Make one with `log new-key --origin ORIGIN` and mount it as a secret (docs/operations.md).");
        if (!NoteSigner.TryParse(text, out var signer) || signer is null)
        {
            throw new InvalidOperationException("The log's signing key is not a C2SP signer key (PRIVATE+KEY+name+keyid+base64).");
        }

        if (signer.Name != origin)
        {
            throw new InvalidOperationException($"The log's signing key is named '{signer.Name}' but Log:Origin is '{origin}': a checkpoint's key is named after its origin.");
        }

        var earlier = options.EarlierVerifierKeys.Select(key => NoteVerifier.TryParse(key, out var verifier) && verifier is not null
            ? verifier
            : throw new InvalidOperationException($"Log:EarlierVerifierKeys holds '{key}', which is not a C2SP verifier key.")).ToList();
        return new LogKeys(signer, earlier);
    }

    public const string DevelopmentOrigin = "localhost/ersou-intel/access-log";

    private static string ThrowawayKey(string origin, IHostEnvironment environment)
    {
        if (!environment.IsDevelopment())
        {
            // Tests: one key for every instance a test starts in its process, as instances share a key in production;
            // derived from a fixed text, so it is a key nobody may trust, which is what a test key is.
            return NoteSigner.FromSeed(origin, NoteKeyName.Ed25519Type, SHA256.HashData(Encoding.UTF8.GetBytes("ersou-intel tests only: " + origin))).ToPrivateKeyText();
        }

        if (RepositoryRoot.Find() is not { } root)
        {
            return NoteSigner.Generate(origin).ToPrivateKeyText();
        }

        var file = Path.Combine(root, ".local", "log", $"signing-key-{Uri.EscapeDataString(origin)}");
        if (File.Exists(file))
        {
            return File.ReadAllText(file).Trim();
        }

        // Two instances starting at once must end with one key: the first rename wins, the other reads its key.
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var temporary = $"{file}.{Environment.ProcessId}";
        File.WriteAllText(temporary, NoteSigner.Generate(origin).ToPrivateKeyText());
        try
        {
            File.Move(temporary, file, overwrite: false);
        }
        catch (IOException) when (File.Exists(file))
        {
            File.Delete(temporary);
        }

        return File.ReadAllText(file).Trim();
    }
}
