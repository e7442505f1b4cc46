using ErsouIntel.Domain.Common;

namespace ErsouIntel.Domain.Tests.Common;

public sealed class TypedTextTests
{
    [Theory]
    [InlineData("Courier fraud: linking the Watford incidents")]
    [InlineData("Opération Pie, née « Magpie » 🐦")]
    [InlineData("")]
    public void Given_printable_text_When_checked_Then_it_passes(string text)
    {
        Assert.Null(TypedText.FirstControlCharacter(text));
        Assert.Null(TypedText.Check(text, "justification"));
    }

    [Theory]
    [InlineData("Linking \u001b[31mWatford\u001b[0m", 8)]
    [InlineData("First line\nsecond line", 10)]
    [InlineData("Tab\there", 3)]
    [InlineData("Carriage\rreturn", 8)]
    [InlineData("Nul\0byte", 3)]
    [InlineData("Delete\u007f", 6)]
    [InlineData("C1 \u0085 next line", 3)]
    public void Given_a_control_character_When_checked_Then_it_is_bad_user_input_naming_where(string text, int at)
    {
        Assert.Equal(at, TypedText.FirstControlCharacter(text));
        var error = TypedText.Check(text, "justification");
        Assert.NotNull(error);
        Assert.Equal(UserErrorCodes.BadUserInput, error.Code);
        Assert.Equal(["justification"], error.Path);
        Assert.Contains($"U+{(int)text[at]:X4} at position {at + 1}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_note_in_paragraphs_When_line_feeds_are_allowed_Then_only_other_control_characters_are_refused()
    {
        Assert.Null(TypedText.Check("Spoke to the daughter.\n\nShe saw the car.", "text", lineFeedsAllowed: true));
        Assert.Equal(5, TypedText.FirstControlCharacter("Line\n\r\nnext", lineFeedsAllowed: true));
        Assert.Equal(UserErrorCodes.BadUserInput, TypedText.Check("Bell\u0007", "text", lineFeedsAllowed: true)?.Code);
    }

    [Fact]
    public void Given_text_with_escape_sequences_When_made_safe_Then_every_control_character_shows_as_a_picture_of_itself()
    {
        var safe = TypedText.MadeSafe("a\u001b[31mb\nc\td\u007fe\u0085f", 500);

        Assert.Equal("a\u241b[31mb\u240ac\u2409d\u2421e\ufffdf", safe);
        Assert.Null(TypedText.FirstControlCharacter(safe));
    }

    [Fact]
    public void Given_text_longer_than_the_limit_When_made_safe_Then_it_is_cut_and_never_between_a_surrogate_pair()
    {
        Assert.Equal(new string('j', 500), TypedText.MadeSafe(new string('j', 2000), 500));
        Assert.Equal("abc", TypedText.MadeSafe("abc🐦", 4));
        Assert.Equal("abc🐦", TypedText.MadeSafe("abc🐦x", 5));
    }
}
