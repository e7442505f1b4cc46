namespace ErsouIntel.Domain.Tests.Entities;

public sealed class NormaliseTests
{
    [Theory]
    [InlineData("07700 900123")]
    [InlineData("+44 7700 900123")]
    [InlineData("447700900123")]
    [InlineData("07700900123")]
    [InlineData("00447700900123")]
    [InlineData("(07700) 900-123")]
    [InlineData("  +447700900123  ")]
    public void Given_a_UK_mobile_in_any_common_spelling_When_normalised_Then_it_is_one_E164_number(string spelling)
    {
        Assert.Equal("+447700900123", Normalise.PhoneNumber(spelling));
    }

    [Theory]
    [InlineData("07911 123456", "+447911123456")]
    [InlineData("07700 900000", "+447700900000")]
    [InlineData("07700 900999", "+447700900999")]
    public void Given_a_UK_mobile_or_a_number_Ofcom_keeps_for_drama_When_normalised_Then_it_is_accepted(string text, string expected)
    {
        Assert.Equal(expected, Normalise.PhoneNumber(text));
    }

    [Fact]
    public void Given_a_number_just_outside_the_drama_range_that_no_operator_holds_When_normalised_Then_there_is_none()
    {
        Assert.Null(Normalise.PhoneNumber("07700 901000"));
    }

    [Fact]
    public void Given_a_UK_landline_without_country_code_When_normalised_Then_GB_is_assumed()
    {
        Assert.Equal("+442079460018", Normalise.PhoneNumber("020 7946 0018"));
    }

    [Fact]
    public void Given_a_foreign_number_with_its_country_code_When_normalised_Then_it_keeps_its_country()
    {
        Assert.Equal("+33142685300", Normalise.PhoneNumber("+33 1 42 68 53 00"));
    }

    [Fact]
    public void Given_another_default_region_When_a_national_number_is_normalised_Then_that_region_is_assumed()
    {
        Assert.Equal("+33142685300", Normalise.PhoneNumber("01 42 68 53 00", "FR"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("12345")]
    [InlineData("07700 90012")]
    [InlineData("call me maybe")]
    [InlineData("07700 900123 07700 900123 07700 900123 0")]
    public void Given_something_that_is_no_phone_number_When_normalised_Then_there_is_none(string? text)
    {
        Assert.Null(Normalise.PhoneNumber(text));
    }

    [Theory]
    [InlineData("ab12 cde", "AB12CDE")]
    [InlineData("AB12CDE", "AB12CDE")]
    [InlineData(" Ab12-cDe ", "AB12CDE")]
    [InlineData("x1", "X1")]
    [InlineData("ABCD 1234", "ABCD1234")]
    public void Given_a_registration_When_normalised_Then_it_is_upper_case_without_spaces(string text, string expected)
    {
        Assert.Equal(expected, Normalise.VehicleRegistration(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("A")]
    [InlineData("ABCDE12345")]
    [InlineData("AB12 CD!")]
    public void Given_something_that_cannot_be_a_registration_When_normalised_Then_there_is_none(string? text)
    {
        Assert.Null(Normalise.VehicleRegistration(text));
    }

    [Theory]
    [InlineData("19/12345A", "19/12345A")]
    [InlineData("2019/0012345a", "19/12345A")]
    [InlineData(" 19 / 12345 a ", "19/12345A")]
    [InlineData("05/1234567Z", "05/1234567Z")]
    [InlineData("19/0000000B", "19/0B")]
    public void Given_a_PNC_ID_When_normalised_Then_it_is_written_YY_slash_number_and_check_letter(string text, string expected)
    {
        Assert.Equal(expected, Normalise.PncId(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("19/12345")]
    [InlineData("19-12345A")]
    [InlineData("123/12345A")]
    [InlineData("19/12345678A")]
    [InlineData("19/12345AB")]
    public void Given_something_that_is_no_PNC_ID_When_normalised_Then_there_is_none(string? text)
    {
        Assert.Null(Normalise.PncId(text));
    }
}
