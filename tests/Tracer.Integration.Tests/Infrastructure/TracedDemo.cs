using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tracer.Integration.Tests.Infrastructure;

/// <summary>One demo traced for real through the tool: `dotnet-tracer demo NAME [--fixed] --no-tui --format json -o TEMP`.</summary>
internal sealed class TracedDemo : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _dir;

    private TracedDemo(TempDirectory dir, string tracePath, ToolResult result, JsonDocument report)
    {
        _dir = dir;
        TracePath = tracePath;
        Result = result;
        Report = report;
    }

    /// <summary>The run's temporary directory (removed on dispose), for files a test writes next to the trace.</summary>
    public TempDirectory Directory => _dir;

    /// <summary>The .nettrace the live run wrote (removed on dispose).</summary>
    public string TracePath { get; }

    public ToolResult Result { get; }
    public JsonDocument Report { get; }
    public int ExitCode => Result.ExitCode;
    /// <summary>The demo's own output (the tool forwards it to its stderr, keeping stdout for the report).</summary>
    public string DemoOutput => Result.Stderr;

    public static async Task<TracedDemo> RunAsync(string name, bool fixedVariant)
    {
        var dir = ToolPaths.NewTempDirectory();
        string trace = dir.File(name + ".nettrace");
        string[] args = ["demo", name, .. fixedVariant ? (string[])["--fixed"] : [], "--no-tui", "--format", "json", "-o", trace];
        try
        {
            ToolResult result = await ChildProcess.RunToolAsync(s_timeout, args);
            return new TracedDemo(dir, trace, result, ParseReport(result));
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    /// <summary>The findings of `dotnet-tracer report TRACE --format json` on the written trace, as raw JSON.</summary>
    public async Task<string> ReplayFindingsAsync()
    {
        ToolResult replay = await ChildProcess.RunToolAsync(s_timeout, "report", TracePath, "--format", "json");
        Assert.True(replay.ExitCode == 0, replay.Stderr);
        using JsonDocument report = ParseReport(replay);
        return report.RootElement.GetProperty("findings").GetRawText();
    }

    public string LiveFindings => Report.RootElement.GetProperty("findings").GetRawText();

    private static JsonDocument ParseReport(ToolResult result)
    {
        try
        {
            return JsonDocument.Parse(result.Stdout);
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"no JSON report (exit {result.ExitCode}): {ex.Message}\nstdout:\n{result.Stdout}\nstderr:\n{result.Stderr}", ex);
        }
    }

    public IEnumerable<JsonElement> Findings(string kind) =>
        Report.RootElement.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("kind").GetString() == kind);

    public IEnumerable<JsonElement> Threads => Report.RootElement.GetProperty("threads").EnumerateArray();

    public int? TargetExitCode =>
        Report.RootElement.GetProperty("process").TryGetProperty("exitCode", out JsonElement code) && code.ValueKind == JsonValueKind.Number ? code.GetInt32() : null;

    /// <summary>The number in the first demo output line matching <paramref name="pattern"/> (one capture group).</summary>
    public double Number(string pattern)
    {
        Match m = Regex.Match(DemoOutput, pattern);
        Assert.True(m.Success, $"the demo did not print /{pattern}/:\n{DemoOutput}");
        return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    public static IEnumerable<string> Frames(JsonElement finding) =>
        finding.GetProperty("stacks").EnumerateObject().SelectMany(s => s.Value.EnumerateArray()).Select(f => f.GetString()!);

    public void Dispose()
    {
        Report.Dispose();
        _dir.Dispose();
    }

    public override string ToString() => $"exit {ExitCode}\nstderr:\n{Result.Stderr}";
}
