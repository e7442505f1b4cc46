using System.Globalization;
using System.Text;

namespace ErsouIntel.Domain.Transparency;

/// <summary>
/// A C2SP verifier key (<c>name+hexkeyid+base64(type || public key)</c>) for Ed25519 note signatures (type 0x01)
/// or cosignature/v1 cosignatures (type 0x04).
/// </summary>
public sealed class NoteVerifier
{
    private readonly byte[] _publicKey;

    private NoteVerifier(string name, byte type, byte[] publicKey)
    {
        Name = name;
        Type = type;
        _publicKey = publicKey;
        KeyId = NoteKeyName.KeyId(name, type, publicKey);
    }

    /// <summary>The key name, as on signature lines.</summary>
    public string Name { get; }

    /// <summary>The key id derived from name, type and public key.</summary>
    public uint KeyId { get; }

    /// <summary>Signature type byte: <see cref="NoteKeyName.Ed25519Type"/> or <see cref="NoteKeyName.CosignatureV1Type"/>.</summary>
    public byte Type { get; }

    /// <summary>The 32-byte Ed25519 public key.</summary>
    public ReadOnlyMemory<byte> PublicKey => _publicKey;

    /// <summary>Builds the verifier for a name, type and Ed25519 public key.</summary>
    public static NoteVerifier Create(string name, byte type, ReadOnlySpan<byte> publicKey)
    {
        if (!NoteKeyName.IsValid(name))
        {
            throw new ArgumentException("A key name is non-empty, without spaces or '+'.", nameof(name));
        }
        if (type is not (NoteKeyName.Ed25519Type or NoteKeyName.CosignatureV1Type) || publicKey.Length != Ed25519.PublicKeySize)
        {
            throw new ArgumentException("Only 32-byte Ed25519 keys of type 0x01 or 0x04 are supported.", nameof(type));
        }
        return new NoteVerifier(name, type, publicKey.ToArray());
    }

    /// <summary>
    /// Parses a vkey. Rejected: unknown types, wrong key length, and a key id that does not match the one derived
    /// from name, type and key (a mistyped or tampered vkey must not silently verify nothing).
    /// </summary>
    public static bool TryParse(string? text, out NoteVerifier? verifier)
    {
        verifier = null;
        // Only the first two '+' separate: base64 may hold '+' too.
        var parts = text?.Split('+', 3);
        if (parts is not { Length: 3 }
            || !NoteKeyName.IsValid(parts[0])
            || parts[1].Length != 8
            || !parts[1].All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f')
            || !NoteKeyName.TryDecodeBase64(parts[2], out var key)
            || key.Length != 1 + Ed25519.PublicKeySize
            || key[0] is not (NoteKeyName.Ed25519Type or NoteKeyName.CosignatureV1Type))
        {
            return false;
        }
        var candidate = new NoteVerifier(parts[0], key[0], key[1..]);
        if (candidate.KeyId != uint.Parse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture))
        {
            return false;
        }
        verifier = candidate;
        return true;
    }

    /// <summary>Parses a vkey or throws <see cref="FormatException"/>.</summary>
    public static NoteVerifier Parse(string text) =>
        TryParse(text, out var verifier) ? verifier! : throw new FormatException("Not a supported C2SP verifier key.");

    /// <summary>True when the signature line names this key (name and key id both match).</summary>
    public bool Identifies(NoteSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        return signature.KeyName == Name && signature.KeyId == KeyId;
    }

    /// <summary>
    /// Verifies a signature by this key over a note text. For type 0x04 the text is the checkpoint body and the
    /// signature is a cosignature/v1 timestamped signature.
    /// </summary>
    public bool Verify(string text, NoteSignature signature)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(signature);
        if (!Identifies(signature))
        {
            return false;
        }
        if (Type == NoteKeyName.CosignatureV1Type)
        {
            return Cosignature.TryReadTimestamp(signature, out var timestamp)
                && Ed25519.Verify(_publicKey, Cosignature.Message(text, timestamp), signature.Signature.Span[8..]);
        }
        return Ed25519.Verify(_publicKey, Encoding.UTF8.GetBytes(text), signature.Signature.Span);
    }

    /// <summary>The vkey text.</summary>
    public override string ToString()
    {
        var key = new byte[1 + _publicKey.Length];
        key[0] = Type;
        _publicKey.CopyTo(key, 1);
        return $"{Name}+{KeyId:x8}+{Convert.ToBase64String(key)}";
    }
}
