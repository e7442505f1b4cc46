namespace ErsouIntel.Api.Hosting;

/// <summary>
/// <c>--name value</c> options of the service's operator commands and of the tools beside it,
/// read one way so that a mistake is reported in the same words wherever it is made. A mistake is
/// an <see cref="ArgumentException"/>, which each command prints above its usage.
/// </summary>
public sealed class CommandOptions
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);
    private readonly HashSet<string> flags = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> lists = new(StringComparer.Ordinal);

    private CommandOptions()
    {
    }

    /// <summary>The names given with a value, without their <c>--</c>.</summary>
    public IEnumerable<string> Names => values.Keys.Concat(lists.Keys);

    /// <summary>Every value of a repeatable option, in the order given; none when it was not given.</summary>
    public IReadOnlyList<string> All(string name) => lists.TryGetValue(name, out var list) ? list : [];

    /// <param name="args">the arguments after the command's name</param>
    /// <param name="refuseRepeats">a name given twice is a mistake; otherwise the last value counts</param>
    /// <param name="flags">names (without <c>--</c>) that stand alone, taking no value</param>
    /// <param name="repeatable">names that may be given many times, each value kept (<see cref="All"/>)</param>
    public static CommandOptions Parse(IReadOnlyList<string> args, bool refuseRepeats = false, IReadOnlyCollection<string>? flags = null, IReadOnlyCollection<string>? repeatable = null)
    {
        var options = new CommandOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (flags is not null && arg.StartsWith("--", StringComparison.Ordinal) && flags.Contains(arg[2..]))
            {
                options.flags.Add(arg[2..]);
                continue;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"Expected '--name value' at '{arg}'.");
            }

            var value = args[++i];
            if (repeatable is not null && repeatable.Contains(arg[2..]))
            {
                if (!options.lists.TryGetValue(arg[2..], out var list))
                {
                    options.lists[arg[2..]] = list = [];
                }

                list.Add(value);
            }
            else if (!refuseRepeats)
            {
                options.values[arg[2..]] = value;
            }
            else if (!options.values.TryAdd(arg[2..], value))
            {
                throw new ArgumentException($"{arg} is given twice.");
            }
        }

        return options;
    }

    public bool Has(string flag) => flags.Contains(flag);

    public bool TryGetValue(string name, out string value) => values.TryGetValue(name, out value!);

    public string? GetValueOrDefault(string name) => values.GetValueOrDefault(name);

    public string Required(string name) =>
        values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required.");
}
