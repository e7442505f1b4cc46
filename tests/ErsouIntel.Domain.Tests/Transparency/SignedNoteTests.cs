using System.Text;
using ErsouIntel.Domain.Transparency;

namespace ErsouIntel.Domain.Tests.Transparency;

public class SignedNoteTests
{
    // C2SP signed-note, section "Verifier keys", "Example" (github.com/C2SP/C2SP, signed-note.md).
    private const string SpecVkey = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
    private const string SpecNote =
        "This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

    // golang.org/x/mod/sumdb/note, note_test.go (TestSign, TestOpen): the Go package's own keys and note.
    private const string PeterSkey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    private const string PeterVkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    private const string EnochVkey = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
    private const string GoText =
        "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    private const string PeterSig =
        "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
    private const string EnochSig =
        "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

    [Fact]
    public void The_spec_example_verifies_and_is_written_back_byte_for_byte()
    {
        var verifier = NoteVerifier.Parse(SpecVkey);
        Assert.Equal(0x530d903au, verifier.KeyId);
        Assert.Equal(SpecVkey, verifier.ToString());

        Assert.True(SignedNote.TryParse(Encoding.UTF8.GetBytes(SpecNote), out var note));
        Assert.Equal("This is an example message.\n", note!.Text);
        Assert.True(note.TryVerify([verifier], out var by));
        Assert.Same(verifier, Assert.Single(by));
        Assert.Equal(SpecNote, note.ToString());
    }

    [Fact]
    public void A_changed_text_no_longer_verifies()
    {
        var note = SignedNote.Parse(SpecNote.Replace("example message", "example massage", StringComparison.Ordinal));
        Assert.False(note.TryVerify([NoteVerifier.Parse(SpecVkey)], out _));
    }

    [Fact]
    public void A_Go_signer_key_signs_exactly_as_the_Go_note_package_does()
    {
        var signer = NoteSigner.Parse(PeterSkey);
        Assert.Equal(PeterVkey, signer.Verifier.ToString());
        Assert.Equal(PeterSkey, signer.ToPrivateKeyText());
        Assert.Equal(GoText + "\n" + PeterSig, SignedNote.Sign(GoText, signer).ToString());
        Assert.DoesNotContain("AYEKFALV", signer.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_signatures_are_kept_and_ignored_and_one_known_signature_suffices()
    {
        var peter = NoteVerifier.Parse(PeterVkey);
        var enoch = NoteVerifier.Parse(EnochVkey);
        var note = SignedNote.Parse(GoText + "\n" + PeterSig + EnochSig);

        Assert.Equal(["PeterNeumann", "EnochRoot"], note.Signatures.Select(s => s.KeyName));
        Assert.True(note.TryVerify([peter], out var byPeter));
        Assert.Equal([peter], byPeter);
        Assert.True(note.TryVerify([peter, enoch], out var byBoth));
        Assert.Equal([peter, enoch], byBoth);
        Assert.False(note.TryVerify([], out _));
        Assert.Equal(GoText + "\n" + PeterSig + EnochSig, note.ToString());
    }

    [Fact]
    public void A_bad_signature_by_a_known_key_rejects_the_note_and_one_by_an_unknown_key_does_not()
    {
        var peter = NoteVerifier.Parse(PeterVkey);
        var badPeter = SignedNote.Parse(GoText + "\n" + PeterSig[..60] + "ABCD" + PeterSig[60..]);
        Assert.False(badPeter.TryVerify([peter], out _));

        var badEnoch = SignedNote.Parse(GoText + "\n" + PeterSig + EnochSig[..60] + "ABCD" + EnochSig[60..]);
        Assert.True(badEnoch.TryVerify([peter], out _));
        Assert.False(badEnoch.TryVerify([peter, NoteVerifier.Parse(EnochVkey)], out _));
    }

    [Fact]
    public void Malformed_notes_are_rejected()
    {
        // The malformed messages of the Go package's TestOpen, and a few more.
        string[] bad =
        [
            GoText,
            GoText + "\n",
            GoText + "\n" + PeterSig[..^1],
            "\x01" + GoText + "\n" + PeterSig,
            GoText + "\n" + "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
            GoText + "\n" + PeterSig + "Unexpected line.\n",
            GoText + "\n" + string.Concat(Enumerable.Repeat(PeterSig, SignedNote.MaxSignatures + 1)),
            GoText + "\n" + "- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
            GoText + "\n" + "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6Ryy BwJnAM=\n",
            GoText + "\n" + "— Peter+Neumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
            GoText + "\n" + "— PeterNeumann AAAA\n",
            GoText.Replace("\n", "\r\n", StringComparison.Ordinal) + "\n" + PeterSig,
        ];
        foreach (var note in bad)
        {
            Assert.False(SignedNote.TryParse(note, out _), note);
        }
        byte[] invalidUtf8 = [0xff, .. Encoding.UTF8.GetBytes(GoText + "\n" + PeterSig)];
        Assert.False(SignedNote.TryParse(invalidUtf8, out _));
        Assert.True(SignedNote.TryParse(GoText + "\n" + string.Concat(Enumerable.Repeat(PeterSig, 16)), out _));
    }

    [Fact]
    public void Every_mangling_of_a_verifier_or_signer_key_is_rejected()
    {
        // The Go package's TestNewVerifier / TestNewSigner: no proper substring and no single-byte change parses.
        foreach (var (key, parse) in new (string, Func<string, bool>)[]
        {
            (PeterVkey, k => NoteVerifier.TryParse(k, out _)),
            (PeterSkey, k => NoteSigner.TryParse(k, out _)),
        })
        {
            Assert.True(parse(key));
            for (var i = 0; i <= key.Length; i++)
            {
                for (var j = i + 1; j <= key.Length; j++)
                {
                    if (i != 0 || j != key.Length)
                    {
                        Assert.False(parse(key[i..j]), key[i..j]);
                    }
                }
            }
            for (var i = 0; i < key.Length; i++)
            {
                var changed = key[..i] + (char)(key[i] + 1) + key[(i + 1)..];
                Assert.False(parse(changed), changed);
            }
        }
    }

    [Fact]
    public void Generated_keys_round_trip_and_sign_notes_that_verify()
    {
        var signer = NoteSigner.Generate("log.ersou.example/access");
        var again = NoteSigner.Parse(signer.ToPrivateKeyText());
        Assert.Equal(signer.Verifier.ToString(), again.Verifier.ToString());
        Assert.Equal(NoteKeyName.KeyId(signer.Name, NoteKeyName.Ed25519Type, signer.Verifier.PublicKey.Span), signer.KeyId);

        var note = SignedNote.Sign("hello\n", signer);
        Assert.True(SignedNote.Parse(note.ToString()).TryVerify([NoteVerifier.Parse(signer.Verifier.ToString())], out _));
        Assert.False(note.TryVerify([NoteSigner.Generate("log.ersou.example/access").Verifier], out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("a+b")]
    [InlineData("a\u00a0b")]
    [InlineData("a\tb")]
    public void Key_names_with_spaces_or_plus_are_refused(string name)
    {
        Assert.False(NoteKeyName.IsValid(name));
        Assert.ThrowsAny<ArgumentException>(() => NoteSigner.Generate(name));
    }
}
