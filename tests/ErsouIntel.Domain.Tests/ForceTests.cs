using ErsouIntel.Domain;

namespace ErsouIntel.Domain.Tests;

public sealed class ForceTests
{
    [Theory]
    [InlineData("HERTFORDSHIRE", Force.Hertfordshire)]
    [InlineData("hertfordshire", Force.Hertfordshire)]
    [InlineData("Essex", Force.Essex)]
    public void Given_a_force_name_in_any_case_When_parsed_Then_it_is_that_force(string text, Force expected)
    {
        Assert.True(Forces.TryParse(text, out var force));
        Assert.Equal(expected, force);
    }

    [Theory]
    [InlineData("3")]
    [InlineData("Kent")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("Essex,Norfolk")]
    public void Given_anything_but_a_force_name_When_parsed_Then_it_is_refused(string? text)
    {
        Assert.False(Forces.TryParse(text, out _));
    }

    [Fact]
    public void The_tenant_id_of_a_force_is_its_schema_name()
    {
        Assert.Equal("HERTFORDSHIRE", Force.Hertfordshire.TenantId());
        Assert.Equal(6, Forces.All.Count);
    }
}
