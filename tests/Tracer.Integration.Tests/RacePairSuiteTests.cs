using System.Text.Json;
using Tracer.Demos.RaceCases;
using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests;

/// <summary>
/// The race-detector pair suite through the real tracer: every case runs in one traced process (`demo race-pairs`);
/// each must get exactly its expected finding on its location or locks, and the race-free ones nothing. The replayed
/// trace must give the same findings (the detector reorders by timestamp, not by arrival).
/// </summary>
public sealed class RacePairSuiteTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Every_case_gets_exactly_its_expected_result_live_and_on_replay()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        string trace = dir.File("pairs.nettrace");
        ToolResult live = await ChildProcess.RunToolAsync(s_timeout, "demo", "race-pairs", "--no-tui", "--format", "json", "-o", trace);
        Assert.True(live.ExitCode == 0, $"exit {live.ExitCode}\n{live.Stderr}");
        (string Kind, string Summary)[] findings = Findings(live.Stdout);

        var failures = new List<string>();
        foreach (RaceCase c in RaceCaseCatalog.All)
        {
            var mine = findings.Where(f => f.Summary.Contains($"'{c.Name}.", StringComparison.Ordinal)).ToList();
            string[] subjects = c.Subject?.Split(',') ?? [];
            bool ok = c.ExpectKind is null
                ? mine.Count == 0
                : mine.Count > 0 && mine.All(f => f.Kind == c.ExpectKind)
                    && mine.Exists(f => subjects.All(s => f.Summary.Contains($"'{s}'", StringComparison.Ordinal)));
            if (!ok)
            {
                failures.Add($"{c.Name}: expected {c.ExpectKind ?? "nothing"} on {c.Subject}, got [{string.Join(" | ", mine.Select(f => f.Summary))}]");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));

        ToolResult replay = await ChildProcess.RunToolAsync(s_timeout, "report", trace, "--format", "json");
        Assert.True(replay.ExitCode == 0, replay.Stderr);
        Assert.Equal(findings.Order(), Findings(replay.Stdout).Order());
    }

    private static (string Kind, string Summary)[] Findings(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        return [.. doc.RootElement.GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("kind").GetString() is "race" or "potential-deadlock")
            .Select(f => (f.GetProperty("kind").GetString()!, f.GetProperty("summary").GetString()!))];
    }
}
