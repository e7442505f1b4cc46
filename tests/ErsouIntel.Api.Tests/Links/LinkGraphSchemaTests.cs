using ErsouIntel.Api.Links;
using ErsouIntel.Api.Tests.Infrastructure;
using Weasel.Postgresql.Functions;

namespace ErsouIntel.Api.Tests.Links;

/// <summary>The link graph's functions as files: each spelt as PostgreSQL prints it, and the ones gone dropped from older databases.</summary>
public sealed class LinkGraphSchemaTests(EmptyLinkGraph graph) : IClassFixture<EmptyLinkGraph>
{
    [Fact]
    public void Every_function_file_is_named_for_its_function_and_spelt_as_postgresql_prints_it()
    {
        var functions = LinkGraphSchema.Functions();

        Assert.Contains(functions, f => f.Name == "li_apply_incidents");
        Assert.All(functions, f => Assert.Equal($"ersou.{f.Name}", Function.ForSql(f.Sql).Identifier.QualifiedName));
        Assert.DoesNotContain(functions, f => LinkGraphSchema.Removed.Contains(f.Name));
    }

    [Theory]
    [InlineData("CREATE OR REPLACE FUNCTION ersou.li_x(p_at timestamptz)\n RETURNS void\n LANGUAGE plpgsql\nAS $function$\nBEGIN\nEND;\n$function$;\n", "timestamptz")]
    [InlineData("CREATE OR REPLACE FUNCTION ersou.li_x(p_at timestamp with time zone) RETURNS void\n LANGUAGE plpgsql\nAS $function$\nBEGIN\nEND;\n$function$;\n", "RETURNS")]
    [InlineData("CREATE OR REPLACE FUNCTION ersou.li_x(p integer)\n RETURNS void\n LANGUAGE plpgsql\n SET jit = off\nAS $function$\nBEGIN\nEND;\n$function$;\n", "SET")]
    [InlineData("CREATE OR REPLACE FUNCTION ersou.li_x(p integer)\n RETURNS void\n LANGUAGE plpgsql\nAS $$\nBEGIN\nEND;\n$$;\n", "$function$")]
    [InlineData("CREATE OR REPLACE FUNCTION ersou.li_y(p integer)\n RETURNS void\n LANGUAGE plpgsql\nAS $function$\nBEGIN\nEND;\n$function$;\n", "named")]
    public void A_function_spelt_otherwise_than_postgresql_prints_it_is_refused_with_the_reason(string sql, string named)
    {
        Assert.Contains(named, LinkGraphSchema.SpellingProblem("li_x", sql), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_function_an_earlier_version_made_is_dropped_by_db_apply_and_db_assert_then_finds_nothing()
    {
        await TestPostgres.RowsAsync(graph.ConnectionString, """
            create or replace function ersou.li_detect_matches(p_incident uuid, p_at timestamp with time zone) returns void
            language plpgsql as $$ begin end; $$
            """);

        await graph.Store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        Assert.Empty(await TestPostgres.RowsAsync(graph.ConnectionString, "select proname from pg_proc where proname = 'li_detect_matches'"));
        await graph.Store.Storage.Database.AssertDatabaseMatchesConfigurationAsync();
    }
}
