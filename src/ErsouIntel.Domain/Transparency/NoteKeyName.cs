using System.Security.Cryptography;
using System.Text;

namespace ErsouIntel.Domain.Transparency;

/// <summary>C2SP signed-note key names and key ids.</summary>
public static class NoteKeyName
{
    /// <summary>Signature type 0x01: Ed25519 over the note text.</summary>
    public const byte Ed25519Type = 0x01;

    /// <summary>Signature type 0x04: timestamped Ed25519 checkpoint cosignature (cosignature/v1).</summary>
    public const byte CosignatureV1Type = 0x04;

    /// <summary>Names are non-empty and hold no Unicode space, no '+' (the vkey separator) and no control character.</summary>
    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name)
        && !name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '+');

    /// <summary>SHA-256(name || 0x0A || type || public key)[:4] as a big-endian integer.</summary>
    public static uint KeyId(string name, byte type, ReadOnlySpan<byte> publicKey)
    {
        ArgumentNullException.ThrowIfNull(name);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var buffer = new byte[nameBytes.Length + 2 + publicKey.Length];
        nameBytes.CopyTo(buffer, 0);
        buffer[nameBytes.Length] = 0x0A;
        buffer[nameBytes.Length + 1] = type;
        publicKey.CopyTo(buffer.AsSpan(nameBytes.Length + 2));
        var hash = SHA256.HashData(buffer);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(hash);
    }

    /// <summary>Standard base64 that is exactly what we would write: no white space, correct padding.</summary>
    internal static bool TryDecodeBase64(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length == 0 || text.Length % 4 != 0)
        {
            return false;
        }
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return false;
        }
        // Convert accepts white space and non-zero padding bits; a signature or hash has one spelling only.
        return Convert.ToBase64String(bytes) == text;
    }
}
