using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace ErsouIntel.Domain.Transparency;

/// <summary>
/// C2SP tlog-cosignature, Ed25519 cosignature/v1 (signature type 0x04): a witness's statement that, at a time,
/// the checkpoint is the largest consistent tree head it has seen. The signature line carries
/// base64(keyid || timestamp (8 bytes, big-endian) || Ed25519 signature).
/// </summary>
public static class Cosignature
{
    /// <summary>
    /// The signed message: <c>cosignature/v1\ntime T\n</c> followed by the whole checkpoint note text (with its
    /// final newline, without signature lines).
    /// </summary>
    public static byte[] Message(string checkpointText, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(checkpointText);
        ArgumentOutOfRangeException.ThrowIfNegative(timestamp);
        return Encoding.UTF8.GetBytes(
            "cosignature/v1\ntime " + timestamp.ToString(CultureInfo.InvariantCulture) + "\n" + checkpointText);
    }

    /// <summary>The cosignature by a witness key (type 0x04) over a checkpoint text at a POSIX time in seconds.</summary>
    public static NoteSignature Sign(NoteSigner witness, string checkpointText, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(witness);
        if (witness.Type != NoteKeyName.CosignatureV1Type)
        {
            throw new ArgumentException("Cosignatures need a type 0x04 key.", nameof(witness));
        }
        var signature = witness.SignBytes(Message(checkpointText, timestamp));
        var bytes = new byte[8 + signature.Length];
        BinaryPrimitives.WriteInt64BigEndian(bytes, timestamp);
        signature.CopyTo(bytes, 8);
        return new NoteSignature(witness.Name, witness.KeyId, bytes);
    }

    /// <summary>
    /// Verifies a cosignature line by <paramref name="witness"/> over <paramref name="checkpointText"/> and
    /// returns the time it claims. Fails for another key, a malformed line or a bad signature.
    /// </summary>
    public static bool TryVerify(NoteVerifier witness, string checkpointText, NoteSignature signature, out long timestamp)
    {
        ArgumentNullException.ThrowIfNull(witness);
        timestamp = 0;
        if (witness.Type != NoteKeyName.CosignatureV1Type || !witness.Verify(checkpointText, signature))
        {
            return false;
        }
        return TryReadTimestamp(signature, out timestamp);
    }

    /// <summary>The time a cosignature line claims, without checking the signature.</summary>
    public static bool TryReadTimestamp(NoteSignature signature, out long timestamp)
    {
        ArgumentNullException.ThrowIfNull(signature);
        timestamp = 0;
        var bytes = signature.Signature.Span;
        if (bytes.Length != 8 + Ed25519.SignatureSize)
        {
            return false;
        }
        var value = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        // The spec caps the timestamp at 2^63 - 1.
        if (value > long.MaxValue)
        {
            return false;
        }
        timestamp = (long)value;
        return true;
    }
}
