using Tracer.Cli.Output;
using Tracer.Cli.Tui;
using Tracer.Engine.Collect;
using Tracer.Engine.Reports;
using Tracer.Rewriter;

namespace Tracer.Cli.Tracing;

/// <summary>Runs live tracing to its end (for collect, run and demo), in the terminal UI or with a progress line, and prints the report.</summary>
internal static class LiveRunner
{
    /// <summary>Traces an already running process: by PID over its default port, or over <paramref name="port"/>
    /// (--diagnostic-port) when given.</summary>
    public static async Task<int> AttachAsync(int pid, LiveSettings settings, TextWriter stdout, TextWriter stderr, CancellationToken ct,
        DiagnosticPortEndpoint? port = null)
    {
        await using LiveTrace trace = LiveTrace.Attach(pid, port, Options(settings), snapshotWhenQuiet: !settings.NoSnapshot);
        return await TraceAsync(trace, UseTui(settings, stderr), programOutput: null, settings, stdout, stderr, ct).ConfigureAwait(false);
    }

    /// <summary>Launches a program suspended and traces it (and, unless told not to, its .NET children) from their first instruction.</summary>
    public static async Task<int> LaunchAsync(string command, IReadOnlyList<string> arguments, LiveSettings settings, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (!settings.Races)
        {
            return await LaunchAsync(command, arguments, null, settings, stdout, stderr, ct).ConfigureAwait(false);
        }

        if (settings.OutputPath is not null)
        {
            OutputFiles.RefuseOverwrite(settings.OutputPath, settings.Force); // before the program is rewritten
        }

        // --races: the rewritten private copy runs instead; it is removed however tracing ends (Ctrl+C, the target's crash).
        using RaceCopy copy = RacePreparation.Prepare(command, arguments, stderr);
        return await LaunchAsync(copy.EntryAssembly, copy.Arguments, copy.Environment, settings, stdout, stderr, ct).ConfigureAwait(false);
    }

    private static async Task<int> LaunchAsync(string command, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment,
        LiveSettings settings, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        bool tui = UseTui(settings, stderr);
        // The program's output never goes to stdout (that is the report): under the UI it goes to the Processes
        // screen, which keeps it off the terminal; otherwise to stderr.
        ProgramOutputLog? programOutput = tui ? new ProgramOutputLog() : null;
        await using LiveTrace trace = await LiveTrace.LaunchAsync(command, arguments, environment, (TextWriter?)programOutput ?? stderr, Options(settings),
            snapshotAtStop: !settings.NoSnapshot, ct)
            .ConfigureAwait(false);
        return await TraceAsync(trace, tui, programOutput, settings, stdout, stderr, ct).ConfigureAwait(false);
    }

    /// <summary>The one live path: notices, start, progress line or UI, the end, the report.</summary>
    private static async Task<int> TraceAsync(LiveTrace trace, bool tui, ProgramOutputLog? programOutput, LiveSettings settings, TextWriter stdout,
        TextWriter stderr, CancellationToken ct)
    {
        using var signals = new InterruptSignals(tui ? TextWriter.Null : stderr); // nothing may write over the UI
        TextWriter notices = tui ? TextWriter.Null : stderr;
        trace.Notice += line => notices.WriteLine($"{Environment.NewLine}dotnet-tracer: {line}");
        await trace.StartAsync(ct).ConfigureAwait(false);
        Announce(trace, tui, stderr);

        // Within the UI the tracer has not ended the program yet: if it has exited, it did so by itself.
        int pid = trace.ProcessId;
        Func<string?> targetEnd = () => !trace.TargetHasExited ? null
            : trace.IsLaunched ? TargetEnd.Describe(pid, trace.TargetExitCode) : $"pid {pid} exited";
        LiveTraceEnd end = await DriveAsync(trace, signals, tui, programOutput, targetEnd, stderr).ConfigureAwait(false);
        stderr.WriteLine(!trace.IsLaunched ? $"dotnet-tracer: tracing stopped ({Describe(end.Reason)})"
            : end.EndedByTracer ? $"dotnet-tracer: tracing stopped ({Describe(end.Reason)}); ended pid {pid}, which was still running"
            : $"dotnet-tracer: {TargetEnd.Describe(pid, end.ExitCode)}");
        return Finish(trace, settings, stdout, stderr);
    }

    private static bool UseTui(LiveSettings settings, TextWriter stderr)
    {
        if (settings.NoTui)
        {
            return false;
        }

        if (!TuiHost.CanRun)
        {
            stderr.WriteLine(TuiHost.NotATerminal);
            return false;
        }

        return true;
    }

    private static LiveTraceOptions Options(LiveSettings settings) => new()
    {
        OutputPath = settings.OutputPath ?? string.Empty,
        ReplaceOutput = settings.Force,
        TraceChildren = settings.FollowChildren,
        Duration = settings.Duration,
        StopOn = settings.StopOn,
        StopOnGrace = settings.StopOnGrace,
        Analysis = settings.Analysis,
        FlightRecorder = settings.FlightRecorder is TimeSpan window ? new FlightRecorderOptions { Window = window } : null,
        BufferMegabytes = settings.BufferMegabytes,
        CpuSampling = settings.CpuSampling,
        ExtraProviders = settings.ExtraProviders,
        TaskEvents = settings.TaskEvents,
        InProcessRaces = settings.Races,
    };

    private static void Announce(LiveTrace trace, bool tui, TextWriter stderr)
    {
        LiveTraceOptions options = trace.Options;
        stderr.WriteLine(options.FlightRecorder is { } flight
            ? $"dotnet-tracer: tracing {trace.ProcessName} (pid {trace.ProcessId}) as a flight recorder: the last {flight.Window.TotalSeconds:0.###} s stay in memory "
              + $"and go to {options.OutputPath} when tracing stops ({Triggers(options)}{(tui ? "q in the UI" : "Ctrl+C")})"
            : $"dotnet-tracer: tracing {trace.ProcessName} (pid {trace.ProcessId}) into {options.OutputPath}; {(tui ? "q in the UI" : "Ctrl+C")} stops");
    }

    private static string Triggers(LiveTraceOptions options) =>
        options.StopOn.Count == 0 ? string.Empty : $"a {string.Join("/", options.StopOn.Order(StringComparer.Ordinal))} finding, ";

    /// <summary>Runs tracing to its end under the UI (which blocks until the user quits) or with the progress line.</summary>
    private static async Task<LiveTraceEnd> DriveAsync(LiveTrace trace, InterruptSignals signals, bool tui, ProgramOutputLog? programOutput,
        Func<string?> targetEnd, TextWriter stderr)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(signals.Interrupt);
        Task<LiveTraceEnd> running = trace.RunAsync(stop.Token, signals.Force);
        if (tui)
        {
            RunTui(trace, running, stop, signals.Interrupt, programOutput, targetEnd);
        }
        else
        {
            using var progressStop = new CancellationTokenSource();
            Task progress = new ProgressLine(trace.Root, stderr, interactive: !Console.IsErrorRedirected).RunAsync(progressStop.Token);
            await Task.WhenAny(running).ConfigureAwait(false);
            await progressStop.CancelAsync().ConfigureAwait(false);
            await progress.ConfigureAwait(false);
        }

        return await running.ConfigureAwait(false);
    }

    /// <summary>Blocks in the UI until the user quits; q there stops tracing first (the UI waits for the file to be finished).</summary>
    private static void RunTui(LiveTrace trace, Task<LiveTraceEnd> running, CancellationTokenSource stop, CancellationToken interrupted,
        ProgramOutputLog? programOutput, Func<string?> targetEnd)
    {
        LiveTraceSession session = trace.Root;
        string output = trace.Options.OutputPath;
        var tuiSession = new TuiSession
        {
            IsLive = true,
            Title = $"{TextSanitizer.Clean(trace.ProcessName)} (pid {session.ProcessId}) → {output}",
            IsFinished = () => running.IsCompleted,
            Progress = () => $"{session.Elapsed:mm\\:ss} · {session.BytesWritten / 1024.0:N0} KiB {(session.IsFlightRecorder ? "in memory" : "written")}",
            RequestStop = stop.Cancel,
            // EventPipe timestamps count from the session's start, as does the session's clock.
            NowMs = () => session.Elapsed.TotalMilliseconds,
            ProgramOutput = programOutput,
            ExternalStop = interrupted,
            EndNotice = () => targetEnd() ?? (running.IsCompletedSuccessfully ? Describe(running.Result.Reason) : null),
        };
        try
        {
            TuiHost.Run(tuiSession, new SnapshotSource(session.Analyzer, output));
        }
        finally
        {
            stop.Cancel(); // however the UI ended, tracing ends and the file is finished
        }
    }

    private static int Finish(LiveTrace trace, LiveSettings settings, TextWriter stdout, TextWriter stderr)
    {
        IReadOnlyList<LiveTraceSession> sessions = trace.Sessions;
        string output = trace.Options.OutputPath;
        long bytes = sessions.Sum(s => s.BytesWritten);
        string children = sessions.Count > 1 ? $" and {sessions.Count - 1} child trace(s) next to it" : string.Empty;
        stderr.WriteLine($"dotnet-tracer: trace written to {output}{children} ({bytes / 1024.0:N0} KiB); replay with: dotnet-tracer report {output}");
        return ReportPrinter.Print(trace.Report(), settings.Format, settings.FailOn, stdout);
    }

    private static string Describe(StopReason reason) => reason switch
    {
        StopReason.TargetExited => "the target exited",
        StopReason.Duration => "--duration elapsed",
        StopReason.Interrupted => "interrupted",
        StopReason.Finding => "a --stop-on finding was found",
        StopReason.Forced => "forced; the trace may lack its final rundown",
        _ => reason.ToString(),
    };
}
