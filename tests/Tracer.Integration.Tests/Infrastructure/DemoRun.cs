using System.Text.Json;

namespace Tracer.Integration.Tests.Infrastructure;

/// <summary>`dotnet-tracer demo NAME --no-tui --format json` run to its end, with the JSON report parsed.</summary>
internal sealed class DemoRun : IDisposable
{
    private DemoRun(ToolResult result, JsonDocument report, string trace, TempDirectory dir)
    {
        Result = result;
        Report = report;
        TracePath = trace;
        Directory = dir;
    }

    public ToolResult Result { get; }
    public JsonDocument Report { get; }
    public string TracePath { get; }
    public TempDirectory Directory { get; }

    public IEnumerable<JsonElement> Findings(string kind) =>
        Report.RootElement.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("kind").GetString() == kind);

    public static async Task<DemoRun> StartAsync(string demo, bool fixedVariant, TimeSpan timeout)
    {
        var dir = ToolPaths.NewTempDirectory();
        string trace = dir.File(demo + ".nettrace");
        string[] args = ["demo", demo, "--no-tui", "--format", "json", "-o", trace];
        ToolResult result = await ChildProcess.RunToolAsync(timeout, fixedVariant ? [.. args, "--fixed"] : args);
        JsonDocument report;
        try
        {
            report = JsonDocument.Parse(result.Stdout);
        }
        catch (JsonException ex)
        {
            dir.Dispose();
            throw new InvalidOperationException($"demo {demo} printed no JSON report (exit {result.ExitCode}): {ex.Message}\n{result.Stderr}", ex);
        }

        return new DemoRun(result, report, trace, dir);
    }

    /// <summary>All frames of every thread's stack in a finding.</summary>
    public static IEnumerable<string> Frames(JsonElement finding) =>
        finding.GetProperty("stacks").EnumerateObject().SelectMany(s => s.Value.EnumerateArray().Select(f => f.GetString()!));

    public void Dispose()
    {
        Report.Dispose();
        Directory.Dispose();
    }
}
