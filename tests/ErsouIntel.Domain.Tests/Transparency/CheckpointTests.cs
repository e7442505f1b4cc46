using ErsouIntel.Domain.Transparency;

namespace ErsouIntel.Domain.Tests.Transparency;

public class CheckpointTests
{
    // C2SP tlog-checkpoint (github.com/C2SP/C2SP, tlog-checkpoint.md), the example at the top.
    private const string SpecText = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
    private const string SpecLogSignature =
        "— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n";

    [Fact]
    public void The_spec_example_parses_and_is_written_back_byte_for_byte()
    {
        var note = SignedNote.Parse(SpecText + "\n" + SpecLogSignature);
        var checkpoint = Checkpoint.Parse(note.Text);
        Assert.Equal("example.com/behind-the-sofa", checkpoint.Origin);
        Assert.Equal(20852163, checkpoint.Size);
        Assert.Equal(Convert.FromBase64String("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="), checkpoint.RootHash.ToArray());
        Assert.Empty(checkpoint.Extensions);
        Assert.Equal(SpecText, checkpoint.ToText());
        Assert.Equal("example.com/behind-the-sofa", note.Signatures[0].KeyName);
    }

    [Fact]
    public void Extension_lines_and_the_empty_tree_are_kept()
    {
        var text = "log.example/a\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nextension one\n";
        var checkpoint = Checkpoint.Parse(text);
        Assert.Equal(0, checkpoint.Size);
        Assert.Equal(MerkleHash.EmptyRoot(), checkpoint.RootHash.ToArray());
        Assert.Equal(["extension one"], checkpoint.Extensions);
        Assert.Equal(text, checkpoint.ToText());
    }

    [Theory]
    [InlineData("")]
    [InlineData("o\n1\n")]
    [InlineData("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")]
    [InlineData("\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]
    [InlineData("o\n01\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]
    [InlineData("o\n+1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]
    [InlineData("o\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]
    [InlineData("o\n 1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]
    [InlineData("o\n9223372036854775808\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]
    [InlineData("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2\n")]
    [InlineData("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n")]
    [InlineData("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=CsUY\n")]
    [InlineData("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n")]
    [InlineData("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\next\r\n")]
    public void Anything_but_the_exact_form_is_rejected(string text) => Assert.False(Checkpoint.TryParse(text, out _));
}
