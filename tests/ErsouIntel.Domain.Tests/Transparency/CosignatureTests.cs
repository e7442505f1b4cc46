using System.Text;
using ErsouIntel.Domain.Transparency;

namespace ErsouIntel.Domain.Tests.Transparency;

public class CosignatureTests
{
    // C2SP tlog-cosignature (github.com/C2SP/C2SP, tlog-cosignature.md): the cosigned checkpoint, its witness
    // line, and the signed message shown under "Ed25519 signed message". The spec publishes no witness key, so
    // the signature itself cannot be checked; its layout and timestamp can.
    private const string SpecCheckpoint = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
    private const string SpecNote =
        SpecCheckpoint + "\n"
        + "— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
        + "— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n";

    [Fact]
    public void The_signed_message_is_exactly_the_specs()
    {
        const string expected =
            "cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
        Assert.Equal(Encoding.UTF8.GetBytes(expected), Cosignature.Message(SpecCheckpoint, 1679315147));
    }

    [Fact]
    public void The_specs_witness_line_carries_key_id_then_the_timestamp_of_the_example_message()
    {
        var note = SignedNote.Parse(SpecNote);
        var witness = note.Signatures[1];
        Assert.Equal("witness.example.com/w1", witness.KeyName);
        Assert.Equal(0x8d66cf3fu, witness.KeyId);
        Assert.True(Cosignature.TryReadTimestamp(witness, out var timestamp));
        Assert.Equal(1679315147, timestamp);
        Assert.Equal(SpecNote, note.ToString());
    }

    [Fact]
    public void A_witness_cosigns_a_checkpoint_and_the_log_verifies_it()
    {
        var log = NoteSigner.Generate("log.ersou.example/access");
        var witness = NoteSigner.Generate("witness.force.example/w1", NoteKeyName.CosignatureV1Type);
        var vkey = NoteVerifier.Parse(witness.Verifier.ToString());
        Assert.Equal(NoteKeyName.CosignatureV1Type, vkey.Type);
        Assert.Equal(NoteKeyName.KeyId(witness.Name, 0x04, witness.Verifier.PublicKey.Span), vkey.KeyId);

        var checkpoint = new Checkpoint("log.ersou.example/access", 42, MerkleHash.LeafHash([1])).ToText();
        var line = Cosignature.Sign(witness, checkpoint, 1_796_600_000);
        Assert.Equal(8 + 64, line.Signature.Length);

        Assert.True(Cosignature.TryVerify(vkey, checkpoint, line, out var at));
        Assert.Equal(1_796_600_000, at);

        var note = SignedNote.Sign(checkpoint, log).WithSignature(line);
        var reread = SignedNote.Parse(note.ToString());
        Assert.True(reread.TryVerify([log.Verifier, vkey], out var by));
        Assert.Equal(2, by.Count);

        var other = new Checkpoint("log.ersou.example/access", 43, MerkleHash.LeafHash([1])).ToText();
        Assert.False(Cosignature.TryVerify(vkey, other, line, out _));
        var movedInTime = new NoteSignature(line.KeyName, line.KeyId,
            line.Signature.ToArray().Select((b, i) => i == 7 ? (byte)(b ^ 1) : b).ToArray());
        Assert.False(Cosignature.TryVerify(vkey, checkpoint, movedInTime, out _));
    }

    [Fact]
    public void The_same_key_as_a_plain_note_key_has_another_id_and_does_not_verify_cosignatures()
    {
        var seed = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var witness = NoteSigner.FromSeed("w.example", NoteKeyName.CosignatureV1Type, seed);
        var plain = NoteSigner.FromSeed("w.example", NoteKeyName.Ed25519Type, seed);
        Assert.NotEqual(witness.KeyId, plain.KeyId);

        var checkpoint = new Checkpoint("o.example", 1, MerkleHash.LeafHash([])).ToText();
        var line = Cosignature.Sign(witness, checkpoint, 1);
        Assert.False(plain.Verifier.Verify(checkpoint, line));
        Assert.Throws<InvalidOperationException>(() => witness.Sign(checkpoint));
        Assert.Throws<ArgumentException>(() => Cosignature.Sign(plain, checkpoint, 1));
    }
}
