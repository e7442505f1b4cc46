using System.Text;

namespace ErsouIntel.Domain.Transparency;

/// <summary>
/// A C2SP signed note: a text ending in a newline, a blank line, then one or more signature lines. Signatures
/// by keys the reader does not know are kept (they may be another party's, a witness's or an older key's).
/// </summary>
public sealed class SignedNote
{
    /// <summary>Most signature lines a note may carry; the spec asks readers to accept at least 16.</summary>
    public const int MaxSignatures = 64;

    private SignedNote(string text, IReadOnlyList<NoteSignature> signatures)
    {
        Text = text;
        Signatures = signatures;
    }

    /// <summary>The signed text, including its final newline.</summary>
    public string Text { get; }

    /// <summary>Signature lines, in note order.</summary>
    public IReadOnlyList<NoteSignature> Signatures { get; }

    /// <summary>A note over <paramref name="text"/> carrying <paramref name="signatures"/>.</summary>
    public static SignedNote Create(string text, IEnumerable<NoteSignature> signatures)
    {
        ArgumentNullException.ThrowIfNull(signatures);
        var list = signatures.ToList();
        if (!IsValidText(text))
        {
            throw new ArgumentException("A note text is non-empty, ends with a newline and holds no other control character.", nameof(text));
        }
        if (list.Count is 0 or > MaxSignatures || list.Any(s => !NoteKeyName.IsValid(s.KeyName) || s.Signature.IsEmpty))
        {
            throw new ArgumentException($"A note carries 1 to {MaxSignatures} valid signatures.", nameof(signatures));
        }
        return new SignedNote(text, list);
    }

    /// <summary>Signs <paramref name="text"/> with each signer (type 0x01 keys).</summary>
    public static SignedNote Sign(string text, params IEnumerable<NoteSigner> signers) =>
        Create(text, signers.Select(s => s.Sign(text)));

    /// <summary>This note with one more signature line (a cosignature, say) at the end.</summary>
    public SignedNote WithSignature(NoteSignature signature) => Create(Text, [.. Signatures, signature]);

    /// <summary>Parses a note from bytes, which must be valid UTF-8.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out SignedNote? note)
    {
        note = null;
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        return TryParse(text, out note);
    }

    /// <summary>
    /// Parses a note. The text ends at the last blank line; every line after it must be a well-formed signature
    /// line. No control characters other than newline anywhere.
    /// </summary>
    public static bool TryParse(string? note, out SignedNote? parsed)
    {
        parsed = null;
        if (note is null || !note.EndsWith('\n') || note.Any(c => char.IsControl(c) && c != '\n'))
        {
            return false;
        }
        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0 || split + 2 >= note.Length)
        {
            return false;
        }
        var text = note[..(split + 1)];
        var lines = note[(split + 2)..^1].Split('\n');
        if (lines.Length > MaxSignatures)
        {
            return false;
        }
        var signatures = new List<NoteSignature>(lines.Length);
        foreach (var line in lines)
        {
            if (!NoteSignature.TryParseLine(line, out var signature))
            {
                return false;
            }
            signatures.Add(signature!);
        }
        if (!IsValidText(text))
        {
            return false;
        }
        parsed = new SignedNote(text, signatures);
        return true;
    }

    /// <summary>Parses a note or throws <see cref="FormatException"/>.</summary>
    public static SignedNote Parse(string note) =>
        TryParse(note, out var parsed) ? parsed! : throw new FormatException("Not a C2SP signed note.");

    /// <summary>
    /// Checks the note against the keys the reader trusts, as the spec asks: signatures by unknown keys are
    /// ignored; any signature by a known key that fails rejects the whole note; and at least one must verify.
    /// Returns the keys whose signatures verified, or false.
    /// </summary>
    public bool TryVerify(IEnumerable<NoteVerifier> known, out IReadOnlyList<NoteVerifier> verifiedBy)
    {
        ArgumentNullException.ThrowIfNull(known);
        var keys = known.ToList();
        var verified = new List<NoteVerifier>();
        verifiedBy = verified;
        foreach (var signature in Signatures)
        {
            var key = keys.FirstOrDefault(k => k.Identifies(signature));
            if (key is null)
            {
                continue;
            }
            if (!key.Verify(Text, signature))
            {
                verified.Clear();
                return false;
            }
            if (!verified.Contains(key))
            {
                verified.Add(key);
            }
        }
        return verified.Count > 0;
    }

    /// <summary>The note as served: text, blank line, signature lines.</summary>
    public override string ToString()
    {
        var note = new StringBuilder(Text).Append('\n');
        foreach (var signature in Signatures)
        {
            note.Append(signature.ToLine());
        }
        return note.ToString();
    }

    private static bool IsValidText(string? text) =>
        !string.IsNullOrEmpty(text) && text.EndsWith('\n') && !text.Any(c => char.IsControl(c) && c != '\n');
}
