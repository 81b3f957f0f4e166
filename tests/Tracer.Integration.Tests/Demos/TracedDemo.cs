using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests.Demos;

/// <summary>One demo traced for real through the tool: `dotnet-tracer demo NAME [--fixed] --no-tui --format json -o TEMP`.</summary>
internal sealed class TracedDemo : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    private TracedDemo(ToolResult result, JsonDocument report)
    {
        Result = result;
        Report = report;
    }

    public ToolResult Result { get; }
    public JsonDocument Report { get; }
    public int ExitCode => Result.ExitCode;
    /// <summary>The demo's own output (the tool forwards it to its stderr, keeping stdout for the report).</summary>
    public string DemoOutput => Result.Stderr;

    public static async Task<TracedDemo> RunAsync(string name, bool fixedVariant)
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        string[] args = ["demo", name, .. fixedVariant ? (string[])["--fixed"] : [], "--no-tui", "--format", "json", "-o", dir.File(name + ".nettrace")];
        ToolResult result = await ChildProcess.RunToolAsync(s_timeout, args);
        JsonDocument report;
        try
        {
            report = JsonDocument.Parse(result.Stdout);
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"no JSON report (exit {result.ExitCode}): {ex.Message}\nstdout:\n{result.Stdout}\nstderr:\n{result.Stderr}", ex);
        }

        return new TracedDemo(result, report);
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

    public void Dispose() => Report.Dispose();

    public override string ToString() => $"exit {ExitCode}\nstderr:\n{Result.Stderr}";
}
