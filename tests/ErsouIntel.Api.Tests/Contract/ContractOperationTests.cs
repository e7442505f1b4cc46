using ErsouIntel.Api.Tests.Infrastructure;
using GraphQL;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQLParser.AST;
using Microsoft.Extensions.DependencyInjection;

namespace ErsouIntel.Api.Tests.Contract;

/// <summary>Every operation a caller of the contract sends validates against the served schema.</summary>
public sealed class ContractOperationTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    public static TheoryData<string> Operations => [.. ContractOperations.Names];

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task The_contract_operation_validates_against_the_served_schema(string name)
    {
        var schema = service.Services.GetRequiredService<ISchema>();
        schema.Initialize();
        var document = GraphQLParser.Parser.Parse(ContractOperations.Text(name));
        var operation = Assert.Single(document.Definitions.OfType<GraphQLOperationDefinition>());

        var result = await new DocumentValidator().ValidateAsync(new ValidationOptions
        {
            Schema = schema,
            Document = document,
            Operation = operation,
            Rules = DocumentValidator.CoreRules,
            Variables = Inputs.Empty,
            Extensions = Inputs.Empty,
            RequestServices = service.Services,
            User = new System.Security.Claims.ClaimsPrincipal(),
        });

        // Missing variable values are the caller's to send; every other rule must pass.
        var errors = result.Errors.Where(e => e is not global::GraphQL.Validation.InvalidVariableError).Select(e => e.Message).ToList();
        Assert.True(errors.Count == 0, $"{name}: {string.Join("; ", errors)}");
    }
}
