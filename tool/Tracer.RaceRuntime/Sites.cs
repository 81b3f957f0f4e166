namespace Tracer.RaceRuntime;

/// <summary>
/// The static sites the rewriter numbered (TRACER_RACES_SITES names its table: "id TAB target TAB where" lines),
/// read when the runtime loads (a module initializer), so a report never waits on a lock other threads contend for.
/// </summary>
internal static class Sites
{
    public const string TableVariable = "TRACER_RACES_SITES";
    private static readonly Dictionary<int, (string Target, string Where)> s_table = Load();

#pragma warning disable CA2255 // a module initializer is the point: the table must be loaded before the first report
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Preload() => _ = s_table.Count;
#pragma warning restore CA2255

    public static string Target(int site) => s_table.TryGetValue(site, out var s) ? s.Target : $"site {site}";

    public static string Where(int site) => s_table.TryGetValue(site, out var s) ? s.Where : $"site {site}";

    private static Dictionary<int, (string, string)> Load()
    {
        var table = new Dictionary<int, (string, string)>();
        string? path = Environment.GetEnvironmentVariable(TableVariable);
        if (path is null || !File.Exists(path))
        {
            return table;
        }

        foreach (string line in File.ReadLines(path))
        {
            string[] parts = line.Split('\t');
            if (parts.Length >= 3 && int.TryParse(parts[0], out int id))
            {
                table[id] = (parts[1], parts[2]);
            }
        }

        return table;
    }
}
