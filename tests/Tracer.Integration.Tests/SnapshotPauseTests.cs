using System.Globalization;
using System.Text.Json;
using Tracer.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tracer.Integration.Tests;

/// <summary>Runs alone (not beside other test classes): it measures a pause, and the other classes load the machine.</summary>
[CollectionDefinition(nameof(PauseMeasurement), DisableParallelization = true)]
public sealed class PauseMeasurement;

/// <summary>
/// Issue 18's bound: `collect` on a healthy service with a 2 GB heap (2 million objects) for 15 s, whose automatic
/// snapshot suspends it at most 500 ms and writes nothing large. A heartbeat thread in the target records its longest
/// stall; the same stall without the tool, over the same time, is the machine's own noise (scheduling on a loaded
/// machine) and is allowed on top of the bound, so the test holds on a busy CI machine and is strict on a quiet one.
/// </summary>
[Collection(nameof(PauseMeasurement))]
public sealed class SnapshotPauseTests(ITestOutputHelper output)
{
    private const double MaxPauseMs = 500;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Collect_on_a_healthy_2_GB_heap_for_15_s_pauses_it_less_than_500_ms_and_writes_no_large_file()
    {
        using TempDirectory tmp = ToolPaths.NewTempDirectory();
        using ChildProcess target = ChildProcess.Start(ToolPaths.Dotnet, [ToolPaths.HangTargetsDll, "big-heap", "2"], SnapshotTests.Env(tmp));
        await target.WaitForLineAsync("ready", TimeSpan.FromSeconds(240)); // building 2 million objects on a loaded machine

        await Task.Delay(TimeSpan.FromSeconds(15)); // the baseline window: measured, not waited on
        double baseline = await StallAsync(target, 1);

        using ChildProcess tool = SnapshotTests.Tool(tmp, "collect", "-p", target.Id.ToString(CultureInfo.InvariantCulture), "--no-tui",
            "--duration", "15s", "--format", "json", "--fail-on", "any", "-o", tmp.File("big.nettrace"));
        int exit = await tool.WaitForExitAsync(s_timeout);
        double traced = await StallAsync(target, 2);
        output.WriteLine(tool.Stderr);

        Assert.True(exit == 0, $"a healthy service has no finding: exit {exit}\n{tool.Stdout}\n{tool.Stderr}");
        Assert.Contains("taking a snapshot", tool.Stderr, StringComparison.Ordinal); // it did look: the costly case
        using JsonDocument report = JsonDocument.Parse(tool.Stdout);
        double pause = PauseMs(report);
        output.WriteLine($"pause {pause:F0} ms; longest heartbeat stall {traced:F1} ms traced, {baseline:F1} ms untraced");
        Assert.InRange(pause, 0.1, MaxPauseMs + baseline);
        Assert.InRange(traced, 0, MaxPauseMs + baseline);
        Assert.DoesNotContain(report.RootElement.GetProperty("trace").GetProperty("notes").EnumerateArray(),
            n => n.GetString()!.Contains("were not read", StringComparison.Ordinal)); // the whole picture within the budget
        string[] large = [.. Directory.EnumerateFiles(tmp.Path, "*", SearchOption.AllDirectories).Where(f => new FileInfo(f).Length > 32L << 20)];
        Assert.Empty(large);
        SnapshotTests.AssertNoDumpLeft(tmp);
    }

    /// <summary>Asks the target for its longest stall since it was last asked (the n-th answer).</summary>
    private static async Task<double> StallAsync(ChildProcess target, int nth)
    {
        await target.Stdin.WriteLineAsync();
        await target.Stdin.FlushAsync();
        await target.WaitForLineAsync(_ => target.Stdout.Split('\n').Count(l => l.StartsWith("max-stall-ms ", StringComparison.Ordinal)) >= nth, s_timeout);
        string line = target.Stdout.Split('\n').Where(l => l.StartsWith("max-stall-ms ", StringComparison.Ordinal)).ElementAt(nth - 1);
        return double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
    }

    internal static double PauseMs(JsonDocument report)
    {
        string note = Assert.Single(report.RootElement.GetProperty("trace").GetProperty("notes").EnumerateArray().Select(n => n.GetString()!),
            n => n.Contains("threads were suspended for ", StringComparison.Ordinal));
        string after = note[(note.IndexOf("suspended for ", StringComparison.Ordinal) + "suspended for ".Length)..];
        return double.Parse(after.Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
