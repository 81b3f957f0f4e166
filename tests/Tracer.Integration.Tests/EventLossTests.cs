using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests;

/// <summary>
/// Event loss provoked for real: a 16-thread convoy traced with a 1 MiB EventPipe buffer while the tracer is frozen
/// (SIGSTOP) for 2 s, so the runtime's buffer fills and it drops events. The count reaches the live report, the
/// replayed report (text and JSON) and the UI's Overview.
/// </summary>
public sealed class EventLossTests
{
    private const int SigInt = 2, SigStop = 19, SigCont = 18;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private static readonly Regex s_progressEvents = new(@"\]\s+([\d,]+) events", RegexOptions.Compiled);

    [Fact]
    public async Task A_stalled_tracer_loses_events_and_every_report_counts_them()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        string trace = dir.File("lossy.nettrace");
        long lost = await TraceWithStalledTracerAsync(trace);

        Assert.True(lost > 0, "a 1 MiB buffer and a 2 s stall at a convoy's rate drop events");
        Assert.Equal(NettraceSequenceGaps.Count(trace), lost); // TraceEvent's count = the sequence gaps in the file, counted here

        ToolResult json = await ChildProcess.RunToolAsync(s_timeout, "report", trace, "--format", "json");
        Assert.True(json.ExitCode == 0, json.Stderr);
        using JsonDocument replayed = JsonDocument.Parse(json.Stdout);
        JsonElement traceInfo = replayed.RootElement.GetProperty("trace");
        Assert.Equal(lost, traceInfo.GetProperty("lostEvents").GetInt64()); // the file holds the same sequence gaps
        Assert.DoesNotContain(replayed.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("kind").GetString() == "deadlock");

        ToolResult text = await ChildProcess.RunToolAsync(s_timeout, "report", trace);
        Assert.True(text.ExitCode == 0, text.Stderr);
        Assert.Contains($"({lost.ToString("N0", CultureInfo.InvariantCulture)} lost)", text.Stdout, StringComparison.Ordinal);
        Assert.Contains($"EventPipe dropped {lost.ToString("N0", CultureInfo.InvariantCulture)} events", text.Stdout, StringComparison.Ordinal);
    }

    [TmuxFact]
    public async Task The_Overview_of_a_lossy_trace_says_how_many_events_were_lost()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        string trace = dir.File("lossy.nettrace");
        long lost = await TraceWithStalledTracerAsync(trace);
        Assert.True(lost > 0);

        string tool = $"{TmuxTerminal.Quote(ToolPaths.Dotnet)} {TmuxTerminal.Quote(ToolPaths.TracerDll)} replay {TmuxTerminal.Quote(trace)}";
        using var terminal = new TmuxTerminal($"{tool}; echo TRACER-EXIT=$?", width: 140, height: 30);
        terminal.WaitFor($"{lost.ToString("N0", CultureInfo.InvariantCulture)} lost", s_timeout);
        terminal.SendKeys("q");
        Assert.Contains("TRACER-EXIT=0", terminal.WaitFor("TRACER-EXIT=", s_timeout, history: true), StringComparison.Ordinal);
    }

    /// <summary>Traces the convoy with a 1 MiB buffer, freezes the tracer for 2 s mid-trace, and returns the live report's lost count.</summary>
    private static async Task<long> TraceWithStalledTracerAsync(string trace)
    {
        using ChildProcess target = ChildProcess.Start(ToolPaths.Dotnet, [ToolPaths.HangTargetsDll, "convoy", "16"]);
        await target.WaitForLineAsync("convoy: running", s_timeout);
        using ChildProcess tool = ChildProcess.StartTool("collect", "-p", target.Id.ToString(CultureInfo.InvariantCulture),
            "--no-tui", "--no-snapshot", "--buffer-size", "1", "--format", "json", "-o", trace);
        await tool.WaitForLineAsync(line => EventsIn(line) > 0, s_timeout); // events are flowing

        tool.Signal(SigStop);
        try
        {
            // Fault injection, not synchronisation: the runtime keeps writing while nobody reads its session.
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        finally
        {
            tool.Signal(SigCont);
        }

        long before = tool.Stderr.Split('\n').Select(EventsIn).Max();
        await tool.WaitForLineAsync(line => EventsIn(line) > before, s_timeout); // reading again
        tool.Signal(SigInt);
        Assert.Equal(0, await tool.WaitForExitAsync(s_timeout));
        await target.Stdin.WriteLineAsync();
        await target.Stdin.FlushAsync();
        Assert.Equal(0, await target.WaitForExitAsync(s_timeout));

        using JsonDocument live = JsonDocument.Parse(tool.Stdout);
        Assert.Contains("EventPipe dropped", tool.Stdout, StringComparison.Ordinal); // the note
        return live.RootElement.GetProperty("trace").GetProperty("lostEvents").GetInt64();
    }

    private static long EventsIn(string line)
    {
        Match m = s_progressEvents.Match(line);
        return m.Success ? long.Parse(m.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) : -1;
    }
}
