namespace Tracer.Cli.Tui;

/// <summary>What the UI is showing (a live session or a replay) and how it can stop it.</summary>
internal sealed class TuiSession
{
    /// <summary>Live: q stops tracing (after asking) before quitting.</summary>
    public required bool IsLive { get; init; }
    /// <summary>A short description for the header: "dining (pid 42) → trace.nettrace".</summary>
    public required string Title { get; init; }
    /// <summary>Whether tracing (live) or loading (replay) has ended.</summary>
    public required Func<bool> IsFinished { get; init; }
    /// <summary>One line about the source right now: "tracing 00:12, 1,234 KiB" or "loading 45 %".</summary>
    public Func<string>? Progress { get; init; }
    /// <summary>Live: the trace time now (ms), so lanes of silent, blocked threads keep growing while tracing.</summary>
    public Func<double>? NowMs { get; init; }
    /// <summary>Stops tracing (live); the file is finalized by the session.</summary>
    public Action? RequestStop { get; init; }
    /// <summary>Lines the launched program wrote (live `run`/`demo`), kept off the terminal.</summary>
    public ProgramOutputLog? ProgramOutput { get; init; }
    /// <summary>Live: why tracing ended once it has (e.g. "pid 42 was killed by SIGKILL"), shown on the status line; null while it runs.</summary>
    public Func<string?>? EndNotice { get; init; }
    /// <summary>Called once the first frame is on the terminal (replay lets the loader run at full speed from then on).</summary>
    public Action? FirstFrameDrawn { get; init; }
    /// <summary>Fires when a signal (SIGTERM, Ctrl+C from outside) asks the tool to stop: the UI quits.</summary>
    public CancellationToken ExternalStop { get; init; }
}
