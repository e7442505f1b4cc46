using ErsouIntel.Api.GraphQL;
using ErsouIntel.Api.Hosting;
using ErsouIntel.Api.Tests.Infrastructure;
using GraphQL;
using GraphQL.Types;
using GraphQLParser.AST;
using Microsoft.Extensions.DependencyInjection;

namespace ErsouIntel.Api.Tests.Schema;

/// <summary>The served schema is the one in review (<c>schema/ersou-intel.graphql</c>) and keeps the contract's names.</summary>
public sealed class SchemaTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private static readonly string Root = RepositoryRoot.Find() ?? throw new InvalidOperationException("Repository root not found.");

    [Fact]
    public void The_served_schema_equals_the_file_in_the_repository()
    {
        var served = GraphQLSetup.PrintSchema(service.Services);
        var path = Path.Combine(Root, "schema", "ersou-intel.graphql");
        if (Environment.GetEnvironmentVariable("ERSOU_WRITE_SCHEMA") == "1")
        {
            File.WriteAllText(path, served);
        }

        var onDisk = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : "";
        Assert.True(served == onDisk,
            "The served schema differs from schema/ersou-intel.graphql. Review the API change, then refresh the file with " +
            "`ERSOU_WRITE_SCHEMA=1 dotnet test --filter The_served_schema_equals_the_file_in_the_repository`.");
    }

    [Fact]
    public void Every_contract_name_the_service_serves_is_spelt_and_typed_as_in_the_contract()
    {
        var schema = service.Services.GetRequiredService<ISchema>();
        schema.Initialize();
        var contract = GraphQLParser.Parser.Parse(File.ReadAllText(Path.Combine(Root, "contract", "schema.graphql")));
        var problems = new List<string>();

        // Definitions and the contract's later `extend` blocks alike: an extension's names are contract names too.
        foreach (var definition in contract.Definitions)
        {
            var name = definition switch
            {
                GraphQLTypeDefinition d => d.Name.StringValue,
                GraphQLTypeExtension e => e.Name.StringValue,
                _ => null,
            };
            if (name is null)
            {
                continue;
            }

            var served = schema.AllTypes[name];
            if (served is null)
            {
                problems.Add($"type {name} is missing");
                continue;
            }

            switch (definition)
            {
                case GraphQLEnumTypeDefinition e:
                    EnumValues(name, e.Values, (EnumerationGraphType)served, problems);
                    break;
                case GraphQLEnumTypeExtension e:
                    EnumValues(name, e.Values, (EnumerationGraphType)served, problems);
                    break;
                case GraphQLObjectTypeDefinition o:
                    Compare(name, o.Fields, (IComplexGraphType)served, problems);
                    Interfaces(name, o.Interfaces, (IObjectGraphType)served, problems);
                    break;
                case GraphQLObjectTypeExtension o:
                    Compare(name, o.Fields, (IComplexGraphType)served, problems);
                    Interfaces(name, o.Interfaces, (IObjectGraphType)served, problems);
                    break;
                case GraphQLInterfaceTypeDefinition i:
                    Compare(name, i.Fields, (IComplexGraphType)served, problems);
                    break;
                case GraphQLInputObjectTypeDefinition input:
                    InputFields(name, input.Fields, (IInputObjectGraphType)served, problems);
                    break;
                case GraphQLInputObjectTypeExtension input:
                    InputFields(name, input.Fields, (IInputObjectGraphType)served, problems);
                    break;
            }
        }

        Assert.True(problems.Count == 0, "The served schema departs from contract/schema.graphql:\n" + string.Join("\n", problems));
    }

    private static void EnumValues(string name, GraphQLEnumValuesDefinition? contract, EnumerationGraphType served, List<string> problems)
    {
        var values = served.Values.Select(v => v.Name).ToHashSet();
        problems.AddRange((contract?.Items ?? []).Select(v => v.Name.StringValue).Where(v => !values.Contains(v)).Select(v => $"enum value {name}.{v} is missing"));
    }

    private static void Interfaces(string name, GraphQLImplementsInterfaces? contract, IObjectGraphType served, List<string> problems) =>
        problems.AddRange((contract?.Items ?? []).Select(i => i.Name.StringValue)
            .Where(i => !served.ResolvedInterfaces.Any(r => r.Name == i))
            .Select(i => $"{name} does not implement {i}"));

    private static void InputFields(string name, GraphQLInputFieldsDefinition? contract, IInputObjectGraphType served, List<string> problems)
    {
        foreach (var field in contract?.Items ?? [])
        {
            var match = served.GetField(field.Name.StringValue);
            if (match is null)
            {
                problems.Add($"input field {name}.{field.Name.StringValue} is missing");
            }
            else if (match.ResolvedType!.ToString() != Sdl(field.Type))
            {
                problems.Add($"input field {name}.{field.Name.StringValue} is {match.ResolvedType} but the contract says {Sdl(field.Type)}");
            }
        }
    }

    private static void Compare(string typeName, GraphQLFieldsDefinition? fields, IComplexGraphType served, List<string> problems)
    {
        foreach (var field in fields?.Items ?? [])
        {
            var name = field.Name.StringValue;
            var match = served.GetField(name);
            if (match is null)
            {
                problems.Add($"field {typeName}.{name} is missing");
                continue;
            }

            if (match.ResolvedType!.ToString() != Sdl(field.Type))
            {
                problems.Add($"field {typeName}.{name} is {match.ResolvedType} but the contract says {Sdl(field.Type)}");
            }

            foreach (var argument in field.Arguments?.Items ?? [])
            {
                var servedArgument = match.Arguments?.Find(argument.Name.StringValue);
                if (servedArgument is null)
                {
                    problems.Add($"argument {typeName}.{name}({argument.Name.StringValue}) is missing");
                }
                else if (servedArgument.ResolvedType!.ToString() != Sdl(argument.Type))
                {
                    problems.Add($"argument {typeName}.{name}({argument.Name.StringValue}) is {servedArgument.ResolvedType} but the contract says {Sdl(argument.Type)}");
                }
            }
        }
    }

    private static string Sdl(GraphQLType type) => type switch
    {
        GraphQLNonNullType n => Sdl(n.Type) + "!",
        GraphQLListType l => "[" + Sdl(l.Type) + "]",
        GraphQLNamedType named => named.Name.StringValue,
        _ => type.ToString()!,
    };
}
