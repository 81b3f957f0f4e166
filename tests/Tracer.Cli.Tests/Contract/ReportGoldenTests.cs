using Tracer.Cli.Commands;
using Tracer.Engine.Analysis;
using Xunit;

namespace Tracer.Cli.Tests.Contract;

/// <summary>
/// `report FILE` for every committed fixture, text and JSON, byte for byte against tests/fixtures/golden (see
/// <see cref="Golden"/> for regenerating them). Run in process through the command's own Run, as the tool runs it.
/// </summary>
public sealed class ReportGoldenTests
{
    public static TheoryData<string> Traces() => [.. Golden.TraceNames()];

    [Theory]
    [MemberData(nameof(Traces))]
    public void Text_report_matches_its_golden(string trace) =>
        Golden.Check($"{trace}.report.txt", Report(trace, ReportFormat.Text));

    [Theory]
    [MemberData(nameof(Traces))]
    public void Json_report_matches_its_golden(string trace) =>
        Golden.Check($"{trace}.report.json", Report(trace, ReportFormat.Json));

    [Fact]
    public void The_fixtures_cover_several_finding_kinds_and_a_healthy_program()
    {
        var kinds = new HashSet<string>();
        bool healthy = false;
        foreach (string trace in Golden.TraceNames())
        {
            using var report = System.Text.Json.JsonDocument.Parse(Report(trace, ReportFormat.Json));
            var found = report.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("kind").GetString()!).ToList();
            kinds.UnionWith(found);
            healthy |= found.Count == 0;
        }

        Assert.Contains(FindingKinds.Deadlock, kinds);
        Assert.Contains(FindingKinds.Convoy, kinds);
        Assert.Contains(FindingKinds.Starvation, kinds);
        Assert.True(healthy, "one fixture is a healthy program: its golden pins \"No problems found\"");
    }

    /// <summary>
    /// convoy-below-threshold is a real 2-thread convoy too short to count (912 contentions, 21 ms of wait: under the
    /// 100 ms minimum). Its golden says "no problems"; this pins that it stays within 10× of the threshold, so that a
    /// threshold lowered 10× changes that golden. Both sides: the default finds nothing, a tenth of it finds the convoy.
    /// </summary>
    [Fact]
    public void The_below_threshold_fixture_is_within_ten_times_of_the_convoy_threshold()
    {
        string trace = Golden.TracePath("convoy-below-threshold");
        var defaults = new AnalysisOptions();
        Assert.DoesNotContain(Engine.Collect.TraceFileAnalysis.Analyze(trace, defaults).Findings.Snapshot(), f => f.Kind == FindingKinds.Convoy);
        var tenth = defaults with { ConvoyMinTotalWait = defaults.ConvoyMinTotalWait / 10 };
        Assert.Contains(Engine.Collect.TraceFileAnalysis.Analyze(trace, tenth).Findings.Snapshot(), f => f.Kind == FindingKinds.Convoy);
    }

    /// <summary>
    /// The report as printed, with the fixture directory written as `fixtures/` (it differs per checkout). Without
    /// source lines: a fixture names the modules of the machine it was recorded on (/work/main/..., /work/wt/...); where
    /// such a module and its PDB exist the frames would get lines, elsewhere not, and a golden must read the same on
    /// every clone (AnalysisOptions.SourceLines off reads no PDB at all).
    /// </summary>
    internal static string Report(string trace, ReportFormat format)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = ReportCommand.Run(Golden.TracePath(trace), format, new HashSet<string>(), new AnalysisOptions { SourceLines = false }, stdout, stderr);
        Assert.True(exit == ExitCodes.Ok, $"report {trace}: exit {exit}: {stderr}");
        string directory = Golden.FixturesDirectory + Path.DirectorySeparatorChar;
        return stdout.ToString().Replace(directory, "fixtures/", StringComparison.Ordinal);
    }
}
