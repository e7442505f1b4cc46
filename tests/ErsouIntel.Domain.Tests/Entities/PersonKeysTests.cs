using ErsouIntel.Domain.Incidents;

namespace ErsouIntel.Domain.Tests.Entities;

public sealed class PersonKeysTests
{
    private static readonly DateOnly BornOn = new(1990, 5, 1);

    [Fact]
    public void Given_a_PNC_ID_alone_When_keys_are_made_Then_the_PNC_ID_is_the_key()
    {
        Assert.Equal(["pnc:19/12345A"], PersonKeys.For("19/12345A", null, null));
    }

    [Fact]
    public void Given_a_name_and_date_of_birth_When_keys_are_made_Then_the_normalised_name_with_the_date_is_the_key()
    {
        Assert.Equal(["name-dob:JOHN SMITH|1990-05-01"], PersonKeys.For(null, " john  smith ", BornOn));
    }

    [Fact]
    public void Given_a_PNC_ID_and_a_name_with_date_of_birth_When_keys_are_made_Then_both_are_keys_so_the_sighting_joins_both_entities()
    {
        Assert.Equal(["pnc:19/12345A", "name-dob:JOHN SMITH|1990-05-01"], PersonKeys.For("19/12345A", "John Smith", BornOn));
    }

    [Fact]
    public void Given_a_name_without_date_of_birth_When_keys_are_made_Then_there_is_no_key()
    {
        Assert.Empty(PersonKeys.For(null, "John Smith", null));
    }

    [Fact]
    public void Given_a_date_of_birth_without_name_When_keys_are_made_Then_there_is_no_key()
    {
        Assert.Empty(PersonKeys.For(null, null, BornOn));
        Assert.Empty(PersonKeys.For("", "  ,. ", BornOn));
    }

    [Fact]
    public void Given_one_person_named_in_different_spellings_When_keys_are_made_Then_the_keys_are_equal()
    {
        var keys = new[] { "Seán O'Brien", "SEAN OBRIEN", "sean  o'brien", "Sean-O'Brien", " Séan O’Brien " }
            .Select(name => PersonKeys.For(null, name, BornOn).Single());

        Assert.Single(keys.Distinct());
    }

    [Fact]
    public void Given_one_name_with_two_dates_of_birth_When_keys_are_made_Then_the_keys_differ()
    {
        Assert.NotEqual(
            PersonKeys.For(null, "John Smith", BornOn).Single(),
            PersonKeys.For(null, "John Smith", BornOn.AddDays(1)).Single());
    }

    [Fact]
    public void Given_a_courier_known_only_by_description_When_its_keys_are_read_Then_it_has_none()
    {
        var courier = new CourierSighting(null, BornOn, "Tall man, grey hoodie, called himself John Smith", "AB12CDE", null);

        Assert.Empty(courier.IdentityKeys);
    }

    [Fact]
    public void Given_a_suspect_known_only_by_aliases_When_its_keys_are_read_Then_it_has_none()
    {
        Assert.Empty(new SuspectSighting(null, BornOn, null, ["Johnny"]).IdentityKeys);
    }

    [Fact]
    public void Given_a_courier_and_a_suspect_with_the_same_PNC_ID_When_keys_are_read_Then_the_keys_are_spelled_alike()
    {
        var courier = new CourierSighting("J Smith", null, null, null, "19/12345A");
        var suspect = new SuspectSighting(null, null, "19/12345A", []);

        Assert.Equal(courier.IdentityKeys, suspect.IdentityKeys);
    }

    [Theory]
    [InlineData("  o'Brien,  Seán ", "OBRIEN SEAN")]
    [InlineData("Anne-Marie  Smith", "ANNE MARIE SMITH")]
    [InlineData("ZOË LEWIS", "ZOE LEWIS")]
    [InlineData("Łukasz Żółć", "LUKASZ ZOLC")]
    [InlineData("Søren Ærø", "SOREN AERO")]
    [InlineData("Strauß", "STRAUSS")]
    [InlineData("Dr. J. R. Smith", "DR J R SMITH")]
    [InlineData("Henry VIII 2nd", "HENRY VIII 2ND")]
    [InlineData("- Smith -", "SMITH")]
    public void Given_a_name_When_normalised_Then_it_is_upper_case_without_accents_or_punctuation_with_single_spaces(string name, string expected)
    {
        Assert.Equal(expected, PersonKeys.NormaliseName(name));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("'.,")]
    [InlineData(" - ")]
    public void Given_a_name_with_no_letters_or_digits_When_normalised_Then_there_is_no_name(string? name)
    {
        Assert.Null(PersonKeys.NormaliseName(name));
    }
}
