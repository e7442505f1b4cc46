using GraphQLParser.AST;

namespace ErsouIntel.Api.GraphQL;

/// <summary>Bounds on the work one GraphQL request may ask for; section <c>GraphQL</c> of the configuration.</summary>
public sealed class GraphQLLimits
{
    public const string Section = "GraphQL";

    /// <summary>Largest request body accepted, in bytes (a 500-incident batch fits well inside). Kestrel's own body limit follows it.</summary>
    public long MaxRequestBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Longest document accepted, in characters.</summary>
    public int MaxDocumentLength { get; set; } = 64 * 1024;

    /// <summary>
    /// Deepest nesting the parser accepts before it stops reading; also the deepest an operation
    /// or fragment may nest once its fragments are spread out.
    /// </summary>
    public int MaxParserDepth { get; set; } = 64;

    /// <summary>Most operations one document may hold.</summary>
    public int MaxOperations { get; set; } = 10;

    /// <summary>Most aliased fields one document may hold.</summary>
    public int MaxAliases { get; set; } = 100;

    /// <summary>Most selections (fields, inline fragments, fragment spreads) an operation or fragment makes once its fragments are spread out.</summary>
    public int MaxSelections { get; set; } = 1000;

    /// <summary>Deepest selection set an operation may have.</summary>
    public int MaxDepth { get; set; } = 15;

    /// <summary>Highest complexity an operation may have (graphql-dotnet's analyser).</summary>
    public int MaxComplexity { get; set; } = 20_000;

    /// <summary>Longest time one operation may run.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Measures a parsed document against the operation, alias, selection and nesting limits and
    /// says which one it breaks, or null. Runs before graphql-dotnet validates: some of its rules
    /// grow with the square of repeated fields or with fragments spread inside fragments, and a
    /// long enough chain of fragments overflows its stack. Each fragment is measured once, so
    /// this costs one walk of the document whatever it spreads.
    /// </summary>
    public string? Exceeded(GraphQLDocument document)
    {
        var operations = document.Definitions.OfType<GraphQLOperationDefinition>().ToList();
        if (operations.Count > MaxOperations)
        {
            return $"The document holds {operations.Count} operations; at most {MaxOperations} are accepted.";
        }

        var fragments = new Dictionary<string, GraphQLFragmentDefinition>(StringComparer.Ordinal);
        foreach (var fragment in document.Definitions.OfType<GraphQLFragmentDefinition>())
        {
            fragments.TryAdd(fragment.FragmentName.Name.StringValue, fragment);
        }

        var shape = new DocumentShape(fragments, MaxParserDepth, MaxSelections);
        foreach (var operation in operations)
        {
            var (selections, _) = shape.Measure(operation.SelectionSet, depth: 1);
            if (shape.TooDeep)
            {
                return $"The document nests deeper than {MaxParserDepth} levels once its fragments are spread out.";
            }

            if (selections > MaxSelections)
            {
                return $"An operation makes more than {MaxSelections} selections once its fragments are spread out.";
            }
        }

        // Unused fragments too: graphql-dotnet validates every fragment, used or not.
        foreach (var name in fragments.Keys)
        {
            var (selections, _) = shape.Fragment(name, depth: 1);
            if (shape.TooDeep)
            {
                return $"The document nests deeper than {MaxParserDepth} levels once its fragments are spread out.";
            }

            if (selections > MaxSelections)
            {
                return $"Fragment '{name}' makes more than {MaxSelections} selections once its fragments are spread out.";
            }
        }

        return shape.Aliases > MaxAliases ? $"The document holds {shape.Aliases} aliases; at most {MaxAliases} are accepted." : null;
    }

    /// <summary>
    /// One walk over a document's selection sets with each fragment measured once: how many
    /// selections it makes and how deep it nests once spread out. A fragment met again while it
    /// is being measured is a cycle, counted as nothing here and refused by validation.
    /// </summary>
    private sealed class DocumentShape(Dictionary<string, GraphQLFragmentDefinition> fragments, int maxNesting, int maxSelections)
    {
        private readonly Dictionary<string, (long Selections, int Height)?> measured = new(StringComparer.Ordinal);

        public int Aliases { get; private set; }

        public bool TooDeep { get; private set; }

        public (long Selections, int Height) Fragment(string name, int depth)
        {
            if (!fragments.TryGetValue(name, out var fragment))
            {
                return (0, 0);
            }

            if (measured.TryGetValue(name, out var known))
            {
                // Null: still being measured, so this spread closes a cycle.
                if (known is { } done && depth + done.Height - 1 > maxNesting)
                {
                    TooDeep = true;
                }

                return known ?? (0, 0);
            }

            measured[name] = null;
            var result = Measure(fragment.SelectionSet, depth);
            measured[name] = result;
            return result;
        }

        public (long Selections, int Height) Measure(GraphQLSelectionSet set, int depth)
        {
            if (depth > maxNesting)
            {
                TooDeep = true;
                return (0, 0);
            }

            long selections = 0;
            var height = 1;
            foreach (var selection in set.Selections)
            {
                var (inner, innerHeight) = selection switch
                {
                    GraphQLField field => Field(field, depth),
                    GraphQLInlineFragment inline => Measure(inline.SelectionSet, depth + 1),
                    GraphQLFragmentSpread spread => Fragment(spread.FragmentName.Name.StringValue, depth + 1),
                    _ => (0L, 0),
                };
                if (TooDeep)
                {
                    return (selections, height);
                }

                // Saturates just past the limit: fragments spread inside fragments multiply.
                selections = Math.Min(selections + 1 + inner, maxSelections + 1L);
                height = Math.Max(height, innerHeight + 1);
            }

            return (selections, height);
        }

        private (long Selections, int Height) Field(GraphQLField field, int depth)
        {
            if (field.Alias is not null)
            {
                Aliases++;
            }

            return field.SelectionSet is null ? (0, 0) : Measure(field.SelectionSet, depth + 1);
        }
    }
}
