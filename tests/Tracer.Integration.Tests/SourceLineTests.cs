using System.Text.Json;
using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests;

/// <summary>
/// Frames with source lines, for real: the mutex-abba demo traced live, replayed from its file, and snapshotted while it
/// hangs. The expected lines are read from the demo's source (the line holding the wait), not written here as numbers.
/// </summary>
public sealed class SourceLineTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private static readonly string s_source = Path.Combine(ToolPaths.RepositoryRoot, "demos", "Hangs", "MutexAbbaDemo.cs");

    [Fact]
    public async Task A_traced_hang_names_the_line_of_the_wait_live_and_in_the_replay()
    {
        using TracedDemo run = await TracedDemo.RunAsync("mutex-abba", fixedVariant: false);

        JsonElement hang = Assert.Single(run.Findings("hang"), f => f.GetProperty("summary").GetString()!.StartsWith("likely deadlock", StringComparison.Ordinal));
        AssertLines(hang, "stacks", "stackLines", run.Result.Stdout);

        ToolResult replay = await ChildProcess.RunToolAsync(s_timeout, "report", run.TracePath, "--format", "json");
        using JsonDocument replayed = JsonDocument.Parse(replay.Stdout);
        JsonElement again = Assert.Single(replayed.RootElement.GetProperty("findings").EnumerateArray(),
            f => f.GetProperty("summary").GetString()!.StartsWith("likely deadlock", StringComparison.Ordinal));
        Assert.Equal(hang.GetProperty("stackLines").GetRawText(), again.GetProperty("stackLines").GetRawText());

        // The text report shows them together, file name only.
        ToolResult text = await ChildProcess.RunToolAsync(s_timeout, "report", run.TracePath);
        Assert.Contains($"Tracer.Demos.Hangs.MutexAbbaDemo.TakeSecond (MutexAbbaDemo.cs:{LineOf("secondMutex.WaitOne();")})", text.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(ToolPaths.RepositoryRoot + "/demos", text.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_snapshot_names_the_line_of_the_wait()
    {
        using TempDirectory tmp = ToolPaths.NewTempDirectory();
        using ChildProcess demo = ChildProcess.Start(ToolPaths.Dotnet, [ToolPaths.DemosDll, "mutex-abba"], SnapshotTests.Env(tmp));
        await demo.WaitForLineAsync(_ => demo.Stdout.Split('\n').Count(l => l.Contains("waits for its second mutex", StringComparison.Ordinal)) >= 2, s_timeout);

        using ChildProcess tool = SnapshotTests.Tool(tmp, "snapshot", "-p", demo.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--format", "json");
        await tool.WaitForExitAsync(s_timeout);
        using JsonDocument report = JsonDocument.Parse(tool.Stdout);
        JsonElement transfer = Assert.Single(report.RootElement.GetProperty("threads").EnumerateArray(), t => t.GetProperty("name").GetString() == "transfer-AB");
        string[] frames = [.. transfer.GetProperty("stack").EnumerateArray().Select(f => f.GetString()!)];
        string?[] lines = [.. transfer.GetProperty("stackLines").EnumerateArray().Select(l => l.GetString())];
        Assert.Equal($"MutexAbbaDemo.cs:{LineOf("secondMutex.WaitOne();")}", lines[Array.FindIndex(frames, f => f.EndsWith(".TakeSecond", StringComparison.Ordinal))]);
        Assert.Equal($"MutexAbbaDemo.cs:{LineOf("TakeSecond(secondMutex);")}", lines[Array.FindIndex(frames, f => f.EndsWith(".Transfer", StringComparison.Ordinal))]);
        Assert.All(frames.Zip(lines).Where(x => x.First.StartsWith("System.", StringComparison.Ordinal)), x => Assert.Null(x.Second)); // no PDB beside the framework
    }

    /// <summary>Both transfer threads: the wait's frame names the line that waits, its caller the line that calls.</summary>
    private static void AssertLines(JsonElement finding, string stacksName, string linesName, string report)
    {
        JsonElement stacks = finding.GetProperty(stacksName);
        Assert.True(finding.TryGetProperty(linesName, out JsonElement lines), $"no {linesName}:\n{report}");
        int checkedThreads = 0;
        foreach (JsonProperty stack in stacks.EnumerateObject())
        {
            string[] frames = [.. stack.Value.EnumerateArray().Select(f => f.GetString()!)];
            string?[] at = [.. lines.GetProperty(stack.Name).EnumerateArray().Select(l => l.GetString())];
            Assert.Equal(frames.Length, at.Length);
            int wait = Array.FindIndex(frames, f => f.EndsWith(".TakeSecond", StringComparison.Ordinal));
            if (wait < 0)
            {
                continue; // main, joining them
            }

            Assert.Equal($"MutexAbbaDemo.cs:{LineOf("secondMutex.WaitOne();")}", at[wait]);
            Assert.Equal($"MutexAbbaDemo.cs:{LineOf("TakeSecond(secondMutex);")}", at[Array.FindIndex(frames, f => f.EndsWith(".Transfer", StringComparison.Ordinal))]);
            checkedThreads++;
        }

        Assert.True(checkedThreads == 2, $"both transfer threads wait in TakeSecond:\n{report}");
    }

    /// <summary>The 1-based line of the demo's source that holds <paramref name="code"/> (exactly one does).</summary>
    private static int LineOf(string code)
    {
        string[] source = File.ReadAllLines(s_source);
        int[] at = [.. Enumerable.Range(0, source.Length).Where(i => source[i].Contains(code, StringComparison.Ordinal))];
        Assert.True(at.Length == 1, $"{s_source} has {at.Length} lines with {code}");
        return at[0] + 1;
    }
}
