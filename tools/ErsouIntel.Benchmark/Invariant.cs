using System.Globalization;

namespace ErsouIntel.Benchmark;

internal static class Invariant
{
    /// <summary>Figures in the table, the notes and the JSON read the same on every machine, whatever its culture.</summary>
    public static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
