using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests;

/// <summary>
/// --flight-recorder on a real process: eight threads hammer a lock for seconds, then two deadlock. Only the last
/// window reaches the file, and that file alone still shows the deadlock.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // signals and file modes
public sealed partial class FlightRecorderTests
{
    private const int SigInt = 2, SigStop = 19, SigCont = 18;
    private const double WindowMs = 2000;
    // Cut at sequence points (about one per 10 MB of runtime buffers: ~1 s here, sparser on a busy machine), plus the stop.
    private const double SlackMs = 4500;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Keeps_only_the_last_window_and_the_saved_file_alone_shows_the_deadlock()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        string trace = dir.File("flight.nettrace");

        ToolResult live = await ChildProcess.RunToolAsync(s_timeout, "run", "--no-tui", "--format", "json", "-o", trace,
            "--flight-recorder", "2s", "--", ToolPaths.HangTargetsDll, "busy-then-deadlock", "10");

        Assert.True(live.ExitCode == 0, $"exit {live.ExitCode}\n{live.Stderr}");
        Assert.Contains("tracing stopped (a --stop-on finding was found)", live.Stderr, StringComparison.Ordinal);
        using JsonDocument liveReport = JsonDocument.Parse(live.Stdout);
        JsonElement liveDeadlock = Deadlock(liveReport);
        double liveEvents = liveReport.RootElement.GetProperty("trace").GetProperty("events").GetDouble();
        string[] notes = [.. liveReport.RootElement.GetProperty("trace").GetProperty("notes").EnumerateArray().Select(n => n.GetString()!)];
        string? note = notes.SingleOrDefault(n => n.StartsWith("flight recorder: saved the last 2 s", StringComparison.Ordinal));
        Assert.True(note is not null, "older parts were dropped: " + string.Join(" | ", notes));
        // Saved bytes are not compared with received ones: the stop's rundown (method names, ~1-2 MiB) is always kept and
        // can outweigh a quiet busy phase; the event count and time span below show what was dropped.
        Assert.True(SavedOfReceived().IsMatch(note), note);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(trace));

        ToolResult replay = await ChildProcess.RunToolAsync(s_timeout, "report", trace, "--format", "json", "--fail-on", "deadlock");

        Assert.True(replay.ExitCode == 1, $"the saved window alone shows the deadlock (exit {replay.ExitCode})\n{replay.Stderr}");
        using JsonDocument saved = JsonDocument.Parse(replay.Stdout);
        JsonElement header = saved.RootElement.GetProperty("trace");
        Assert.Equal(0, header.GetProperty("lostEvents").GetInt64()); // entering at a sequence point loses nothing
        Assert.False(header.GetProperty("truncated").GetBoolean());
        JsonElement deadlock = Deadlock(saved);
        Assert.Equal(Ids(liveDeadlock, "threads", "id"), Ids(deadlock, "threads", "id"));
        Assert.Contains(deadlock.GetProperty("stacks").EnumerateObject().SelectMany(s => s.Value.EnumerateArray()),
            f => f.GetString()!.EndsWith("Hangs.TakeBoth", StringComparison.Ordinal)); // the rundown after the stop names methods

        // Older events were dropped: the saved trace starts about one window before the deadlock, long after the busy phase began.
        double firstMs = saved.RootElement.GetProperty("threads").EnumerateArray().Min(t => t.GetProperty("firstSeenMs").GetDouble());
        double deadlockMs = deadlock.GetProperty("timeMs").GetDouble();
        Assert.True(deadlockMs > 9000, $"the deadlock forms after the 10 s busy phase (at {deadlockMs} ms)");
        string facts = $"first event {firstMs} ms, deadlock {deadlockMs} ms, span {header.GetProperty("durationMs")} ms; {note}";
        // The deadlock is inside the window, which ends a little after it: the stop waits for the cycle's confirmation
        // (250 ms of trace time, so the next event after that: up to a counter's second in a deadlocked process) and the
        // stop's own round trip.
        Assert.True(deadlockMs - firstMs is > 0 and < WindowMs + SlackMs, facts);
        Assert.True(header.GetProperty("durationMs").GetDouble() is > WindowMs - 1000 and < WindowMs + SlackMs + 1000, facts);
        Assert.True(header.GetProperty("events").GetDouble() < 0.75 * liveEvents, $"{header.GetProperty("events")} of {liveEvents} events saved; {facts}");
    }

    [Fact]
    public async Task A_second_interrupt_still_writes_the_window_held_in_memory()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        string trace = dir.File("forced.nettrace");
        using ChildProcess target = ChildProcess.Start(ToolPaths.Dotnet, [ToolPaths.HangTargetsDll, "busy-then-deadlock", "120"]);
        using ChildProcess tool = ChildProcess.StartTool("collect", "-p", target.Id.ToString(), "--no-tui", "--no-snapshot", "-o", trace, "--flight-recorder", "1s");
        await tool.WaitForLineAsync("as a flight recorder", s_timeout);
        await tool.WaitForLineAsync("convoy found", s_timeout); // events are flowing
        target.Signal(SigStop); // a frozen target never finishes the stop: only a forced exit ends tracing
        try
        {
            tool.Signal(SigInt);
            await tool.WaitForLineAsync("press Ctrl+C again", s_timeout);
            tool.Signal(SigInt);

            Assert.Equal(0, await tool.WaitForExitAsync(TimeSpan.FromSeconds(20)));
            Assert.Contains("forced", tool.Stderr, StringComparison.Ordinal);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(trace));
            ToolResult replay = await ChildProcess.RunToolAsync(s_timeout, "report", trace, "--format", "json");
            Assert.True(replay.ExitCode == 0, $"the forced window reads back (exit {replay.ExitCode})\n{replay.Stderr}");
            using JsonDocument report = JsonDocument.Parse(replay.Stdout);
            Assert.True(report.RootElement.GetProperty("trace").GetProperty("events").GetInt64() > 0);
            Assert.False(report.RootElement.GetProperty("trace").GetProperty("truncated").GetBoolean());
        }
        finally
        {
            target.Signal(SigCont);
        }
    }

    private static JsonElement Deadlock(JsonDocument report) =>
        Assert.Single(report.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("kind").GetString() == "deadlock");

    private static string[] Ids(JsonElement finding, string array, string field) =>
        [.. finding.GetProperty(array).EnumerateArray().Select(e => e.GetProperty(field).ToString()).Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"([\d.,]+) MiB of ([\d.,]+) MiB received")]
    private static partial Regex SavedOfReceived();
}
