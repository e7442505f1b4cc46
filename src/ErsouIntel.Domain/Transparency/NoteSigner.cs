using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ErsouIntel.Domain.Transparency;

/// <summary>
/// An Ed25519 signing key with its name, written as the Go <c>golang.org/x/mod/sumdb/note</c> package writes
/// signer keys: <c>PRIVATE+KEY+name+hexkeyid+base64(type || 32-byte seed)</c>, so keys move between this service
/// and the Go <c>note</c>/<c>sumdb</c> tools. Type 0x01 signs notes; type 0x04 (a witness key) signs
/// cosignature/v1 cosignatures through <see cref="Cosignature"/>. The Go package reads only type 0x01 keys.
/// </summary>
public sealed class NoteSigner
{
    private const string Prefix = "PRIVATE+KEY+";
    private readonly byte[] _seed;

    private NoteSigner(string name, byte type, byte[] seed)
    {
        _seed = seed;
        Verifier = NoteVerifier.Create(name, type, Ed25519.PublicKeyFromSeed(seed));
    }

    /// <summary>The matching verifier key.</summary>
    public NoteVerifier Verifier { get; }

    /// <summary>The key name.</summary>
    public string Name => Verifier.Name;

    /// <summary>The key id.</summary>
    public uint KeyId => Verifier.KeyId;

    /// <summary>The signature type byte.</summary>
    public byte Type => Verifier.Type;

    /// <summary>A new random key.</summary>
    public static NoteSigner Generate(string name, byte type = NoteKeyName.Ed25519Type) =>
        FromSeed(name, type, RandomNumberGenerator.GetBytes(Ed25519.SeedSize));

    /// <summary>The key for an RFC 8032 32-byte private seed.</summary>
    public static NoteSigner FromSeed(string name, byte type, ReadOnlySpan<byte> seed)
    {
        if (seed.Length != Ed25519.SeedSize)
        {
            throw new ArgumentException("An Ed25519 seed is 32 bytes.", nameof(seed));
        }
        NoteVerifier.Create(name, type, new byte[Ed25519.PublicKeySize]); // validates name and type
        return new NoteSigner(name, type, seed.ToArray());
    }

    /// <summary>Parses a signer key; the key id in it must match the key.</summary>
    public static bool TryParse(string? text, out NoteSigner? signer)
    {
        signer = null;
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        // Only the first two '+' separate: base64 may hold '+' too.
        var parts = text[Prefix.Length..].Split('+', 3);
        if (parts is not { Length: 3 }
            || !NoteKeyName.IsValid(parts[0])
            || parts[1].Length != 8
            || !parts[1].All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f')
            || !uint.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var keyId)
            || !NoteKeyName.TryDecodeBase64(parts[2], out var key)
            || key.Length != 1 + Ed25519.SeedSize
            || key[0] is not (NoteKeyName.Ed25519Type or NoteKeyName.CosignatureV1Type))
        {
            return false;
        }
        var candidate = new NoteSigner(parts[0], key[0], key[1..]);
        if (candidate.KeyId != keyId)
        {
            return false;
        }
        signer = candidate;
        return true;
    }

    /// <summary>Parses a signer key or throws <see cref="FormatException"/>.</summary>
    public static NoteSigner Parse(string text) =>
        TryParse(text, out var signer) ? signer! : throw new FormatException("Not a supported signer key.");

    /// <summary>Signs a note text (type 0x01 keys only: a witness key signs only cosignatures).</summary>
    public NoteSignature Sign(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Type != NoteKeyName.Ed25519Type)
        {
            throw new InvalidOperationException("This key signs cosignatures; use Cosignature.Sign.");
        }
        return new NoteSignature(Name, KeyId, Ed25519.Sign(_seed, Encoding.UTF8.GetBytes(text)));
    }

    internal byte[] SignBytes(ReadOnlySpan<byte> message) => Ed25519.Sign(_seed, message);

    /// <summary>The signer key text. It holds the private key: keep it out of logs and the database.</summary>
    public string ToPrivateKeyText()
    {
        var key = new byte[1 + _seed.Length];
        key[0] = Type;
        _seed.CopyTo(key, 1);
        return $"{Prefix}{Name}+{KeyId:x8}+{Convert.ToBase64String(key)}";
    }

    /// <summary>The name and key id only, never the private key.</summary>
    public override string ToString() => $"{Name}+{KeyId:x8}";
}
