using Tracer.Engine.Analysis;
using Tracer.Engine.Collect;

namespace Tracer.Cli.Tests.Tui;

/// <summary>The committed dining-philosophers trace, analysed once for all view tests (read-only afterwards).</summary>
internal static class Fixtures
{
    private static readonly Lazy<TraceAnalyzer> s_dining = new(() => TraceFileAnalysis.Analyze(DiningPath));

    public static string DiningPath => Path.Combine(AppContext.BaseDirectory, "fixtures", "dining-deadlock.nettrace");

    public static TraceAnalyzer Dining => s_dining.Value;
}
