using System.Text.Json;
using Tracer.Engine.Analysis;

namespace Tracer.Integration.Tests.Infrastructure;

/// <summary>
/// One program of the precision corpus traced for real: live (`run`, `collect -p` or `demo`, JSON report, --fail-on),
/// then the saved .nettrace replayed with `report` twice (JSON with the same --fail-on, and text, whose length is
/// measured). The tool gets a private TMPDIR whose peak size is sampled while it runs, so a snapshot's dump shows up.
/// </summary>
internal sealed class CorpusTrace : IDisposable
{
    /// <summary>
    /// What a healthy program must never trigger: every kind of severity warning or worse. long-wait and task-fault are
    /// left out: they are the advisory (info) kinds, a latency note and "a task faulted" (a handled exception is normal;
    /// the trace cannot tell whether it was observed); the severity check covers them anyway.
    /// </summary>
    public static readonly string HealthyFailOn = string.Join(",", FindingKinds.All.Where(k => k is not FindingKinds.LongWait and not FindingKinds.TaskFault));

    private static readonly TimeSpan s_toolTimeout = TimeSpan.FromSeconds(150);

    private CorpusTrace(TempDirectory dir)
    {
        Directory = dir;
        TracePath = dir.File("corpus.nettrace");
        TempPath = dir.File("tmp");
        System.IO.Directory.CreateDirectory(TempPath);
    }

    public TempDirectory Directory { get; }
    public string TracePath { get; }
    /// <summary>The TMPDIR of the tool (and of a target the test starts).</summary>
    public string TempPath { get; }
    public ToolResult Live { get; private set; } = null!;
    public JsonDocument LiveReport { get; private set; } = null!;
    public int ReplayExitCode { get; private set; }
    public JsonDocument ReplayReport { get; private set; } = null!;
    public string ReplayText { get; private set; } = "";
    /// <summary>Largest total size of the tool's TMPDIR seen while it traced (a heap dump lands there).</summary>
    public long PeakTempBytes { get; private set; }
    /// <summary>The target's own output when the test started it (collect -p); else it is in <see cref="Live"/>'s stderr (run, demo).</summary>
    public string TargetOutput { get; private set; } = "";

    /// <summary>The program's closing line ("load done: ...", "worker done: ..."), or what is missing.</summary>
    public string ProgramSummary =>
        (TargetOutput + "\n" + Live.Stderr).Split('\n').LastOrDefault(l => l.Contains(" done: ", StringComparison.Ordinal))?.Trim() ?? "no closing line from the program";

    /// <summary>The live notices ("dotnet-tracer: hang found ...") of a kind a healthy program must never trigger.</summary>
    public string[] SeriousNotices =>
        [.. Live.Stderr.Split('\n').Select(l => l.Trim()).Where(l => HealthyFailOn.Split(',').Any(k => l.StartsWith($"dotnet-tracer: {k} found", StringComparison.Ordinal)))];

    public int ReplayTextLines => ReplayText.TrimEnd().Split('\n').Length;

    /// <summary>`dotnet-tracer run` on a corpus program; <paramref name="toolOptions"/> go before `--`.</summary>
    public static Task<CorpusTrace> RunAsync(string program, string seconds, string failOn, params string[] toolOptions) =>
        TraceAsync(new CorpusTrace(ToolPaths.NewTempDirectory()), trace => ["run", "--no-tui", "--format", "json", "-o", trace, "--fail-on", failOn, .. toolOptions,
            "--", ToolPaths.CorpusDll, program, "--seconds", seconds], failOn);

    /// <summary>`dotnet-tracer demo NAME --fixed`.</summary>
    public static Task<CorpusTrace> FixedDemoAsync(string demo, string failOn) =>
        TraceAsync(new CorpusTrace(ToolPaths.NewTempDirectory()), trace => ["demo", demo, "--fixed", "--no-tui", "--format", "json", "-o", trace, "--fail-on", failOn], failOn);

    /// <summary>`dotnet-tracer demo NAME`, the bug, which the demo command stops at its expected finding.</summary>
    public static Task<CorpusTrace> BugDemoAsync(string demo, string failOn) =>
        TraceAsync(new CorpusTrace(ToolPaths.NewTempDirectory()), trace => ["demo", demo, "--no-tui", "--format", "json", "-o", trace, "--fail-on", failOn], failOn);

    /// <summary>Starts the program, waits until it says "ready", then `dotnet-tracer collect -p PID --duration`.</summary>
    public static async Task<CorpusTrace> CollectAsync(string program, string programSeconds, string duration, string failOn)
    {
        var run = new CorpusTrace(ToolPaths.NewTempDirectory());
        try
        {
            // Same TMPDIR as the tool: the runtime publishes its diagnostic socket there.
            using ChildProcess target = ChildProcess.Start(ToolPaths.Dotnet, [ToolPaths.CorpusDll, program, "--seconds", programSeconds],
                new Dictionary<string, string> { ["TMPDIR"] = run.TempPath });
            await target.WaitForLineAsync(l => l.StartsWith("ready", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            await TraceAsync(run, trace => ["collect", "-p", target.Id.ToString(), "--no-tui", "--duration", duration, "--format", "json",
                "-o", trace, "--fail-on", failOn], failOn);
            // The program stops by itself a little later and says how it fared (its slowest answer shows a pause).
            await target.WaitForExitAsync(TimeSpan.FromSeconds(60));
            run.TargetOutput = target.Stdout + "\n" + target.Stderr;
            return run;
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    /// <summary>Findings of severity warning or worse.</summary>
    public static JsonElement[] Serious(JsonDocument report) =>
        [.. Findings(report).Where(f => f.GetProperty("severity").GetString() is "warning" or "error" or "critical")];

    public static IEnumerable<JsonElement> Findings(JsonDocument report) => report.RootElement.GetProperty("findings").EnumerateArray();

    /// <summary>A finding in a few lines for a failure message: kind, severity, summary, threads, top frames.</summary>
    public static string Describe(JsonElement f)
    {
        var lines = new List<string> { $"{f.GetProperty("kind").GetString()} ({f.GetProperty("severity").GetString()}): {f.GetProperty("summary").GetString()}" };
        lines.AddRange(f.GetProperty("threads").EnumerateArray().Take(4).Select(t => "  thread " + t.GetProperty("name").GetString()));
        foreach (JsonProperty stack in f.GetProperty("stacks").EnumerateObject().Take(2))
        {
            lines.Add($"  stack of {stack.Name}: " + string.Join(" <- ", stack.Value.EnumerateArray().Take(5).Select(s => s.GetString())));
        }

        return string.Join('\n', lines);
    }

    public string DescribeAll(JsonDocument report) => string.Join("\n", Findings(report).Select(Describe));

    public void Dispose()
    {
        LiveReport?.Dispose();
        ReplayReport?.Dispose();
        Directory.Dispose();
    }

    private static async Task<CorpusTrace> TraceAsync(CorpusTrace run, Func<string, string[]> arguments, string failOn)
    {
        string trace = run.TracePath;
        string tmp = run.TempPath;
        try
        {
            using (ChildProcess tool = ChildProcess.Start(ToolPaths.Dotnet, [ToolPaths.TracerDll, .. arguments(trace)], new Dictionary<string, string> { ["TMPDIR"] = tmp }))
            {
                using var sampling = new CancellationTokenSource();
                Task<long> peak = PeakSizeAsync(tmp, sampling.Token);
                int exit = await tool.WaitForExitAsync(s_toolTimeout);
                sampling.Cancel();
                run.PeakTempBytes = await peak;
                run.Live = new ToolResult(exit, tool.Stdout, tool.Stderr);
            }

            run.LiveReport = Parse(run.Live);
            ToolResult replay = await ChildProcess.RunToolAsync(s_toolTimeout, "report", trace, "--format", "json", "--fail-on", failOn);
            run.ReplayExitCode = replay.ExitCode;
            run.ReplayReport = Parse(replay);
            ToolResult text = await ChildProcess.RunToolAsync(s_toolTimeout, "report", trace);
            run.ReplayText = text.Stdout;
            return run;
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    private static async Task<long> PeakSizeAsync(string directory, CancellationToken stop)
    {
        long peak = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                peak = Math.Max(peak, new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length));
            }
            catch (IOException)
            {
                // a file vanished while listed
            }

            await Task.Delay(100, CancellationToken.None);
        }

        return peak;
    }

    private static JsonDocument Parse(ToolResult result)
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
}
