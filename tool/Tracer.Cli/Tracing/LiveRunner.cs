using Tracer.Cli.Output;
using Tracer.Cli.Tui;
using Tracer.Engine.Analysis;
using Tracer.Engine.Collect;
using Tracer.Engine.Reports;
using Tracer.Engine.Snapshot;
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
        if (port is null)
        {
            TargetResolver.EnsureTraceable(pid);
        }
        else if (!port.IsLocal)
        {
            settings = settings with { NoSnapshot = true }; // another PID namespace: its threads are not in our /proc
        }

        if (settings.OutputPath is not null)
        {
            OutputFiles.RefuseOverwrite(settings.OutputPath, settings.Force);
        }

        bool tui = UseTui(settings, stderr);
        string processName = (port is null || port.IsLocal ? ProcFs.DisplayName(pid) : null) ?? ProcFs.DisplayName(port?.CommandLine) ?? "process";
        // A process that is already hung sends no events: the session snapshots it once when nothing moves.
        LiveTraceOptions options = Options(settings, settings.OutputPath ?? OutputFiles.DefaultTraceName(processName, pid)) with
        {
            AutoSnapshot = settings.NoSnapshot ? null : new AutoSnapshotOptions { Snapshot = new SnapshotOptions { Observe = settings.Analysis.HangAfter } },
        };

        using var signals = new InterruptSignals(tui ? TextWriter.Null : stderr); // nothing may write over the UI
        using var session = new LiveTraceSession(port ?? (IEventPipeEndpoint)new DiagnosticsClientEndpoint(pid), options);
        NameProcess(session, processName, ProcFs.ParentId(pid), tui ? null : stderr);
        TextWriter notices = tui ? TextWriter.Null : stderr;
        session.Notice += line => notices.WriteLine($"{Environment.NewLine}dotnet-tracer: {line}");
        await session.StartAsync(ct).ConfigureAwait(false);
        Announce(processName, pid, options, tui, stderr);

        StopReason reason = await DriveAsync(session, stop => session.RunAsync(stop, signals.Force), signals, tui, processName,
            options.OutputPath, programOutput: null, () => ProcFs.Exists(pid) ? null : $"pid {pid} exited", stderr).ConfigureAwait(false);
        stderr.WriteLine($"dotnet-tracer: tracing stopped ({Describe(reason)})");
        session.SaveMetadata();
        return Finish([session], options.OutputPath, settings, stdout, stderr);
    }

    /// <summary>Launches a program suspended and traces it (and, unless told not to, its .NET children) from their first instruction.</summary>
    public static async Task<int> LaunchAsync(string command, IReadOnlyList<string> arguments, LiveSettings settings, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (settings.OutputPath is not null)
        {
            OutputFiles.RefuseOverwrite(settings.OutputPath, settings.Force); // before anything is launched
        }

        if (!settings.Races)
        {
            return await LaunchAsync(command, arguments, null, settings, stdout, stderr, ct).ConfigureAwait(false);
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
        await using LaunchedProcess launched = await LaunchedProcess.StartAsync(command, arguments, TimeSpan.FromSeconds(15), environment,
            (TextWriter?)programOutput ?? stderr, ct).ConfigureAwait(false);
        int pid = launched.ProcessId;
        string processName = ProcFs.DisplayName(pid) ?? Path.GetFileName(command);
        // A program still running when tracing stops is looked at once: it may be stuck in a way that sends no event.
        LiveTraceOptions options = Options(settings, settings.OutputPath ?? OutputFiles.DefaultTraceName(processName, pid)) with
        {
            AutoSnapshot = settings.NoSnapshot ? null
                : new AutoSnapshotOptions { WhenQuiet = false, AtStop = true, Snapshot = new SnapshotOptions { Observe = settings.Analysis.HangAfter } },
        };

        using var signals = new InterruptSignals(tui ? TextWriter.Null : stderr);
        using var tree = new ProcessTreeTrace(launched, options, settings.FollowChildren);
        TextWriter notices = tui ? TextWriter.Null : stderr;
        NameProcess(tree.Root, processName, Environment.ProcessId, tui ? null : stderr);
        tree.ChildTraced += (child, held) =>
        {
            child.Analyzer.Findings.Found += f => notices.WriteLine($"{Environment.NewLine}dotnet-tracer: {f.Kind} found in pid {child.ProcessId} at {f.TimeMs / 1000:F2} s: {Plain(f)}");
            notices.WriteLine($"dotnet-tracer: tracing child pid {child.ProcessId} into {child.OutputPath} (held {held.TotalMilliseconds:F0} ms at start-up)");
        };
        tree.Notice += line => notices.WriteLine($"dotnet-tracer: {line}");
        await tree.StartAsync(ct).ConfigureAwait(false);
        Announce(processName, pid, options, tui, stderr);

        // Within the UI the tracer has not ended the program yet: if it has exited, it did so by itself.
        Func<string?> targetEnd = () => launched.Process.HasExited ? TargetEnd.Describe(pid, launched.Process.ExitCode) : null;
        StopReason reason = await DriveAsync(tree.Root, stop => tree.RunAsync(stop, signals.Force), signals, tui, processName,
            options.OutputPath, programOutput, targetEnd, stderr).ConfigureAwait(false);
        int? exitCode = await launched.StopAsync(exiting: reason == StopReason.TargetExited).ConfigureAwait(false);
        if (!launched.KilledByTracer)
        {
            tree.Root.Analyzer.Model.Process(pid).ExitCode = exitCode;
        }

        stderr.WriteLine(launched.KilledByTracer
            ? $"dotnet-tracer: tracing stopped ({Describe(reason)}); ended pid {pid}, which was still running"
            : $"dotnet-tracer: {TargetEnd.Describe(pid, exitCode)}");
        tree.SaveMetadata();
        return Finish(tree.Sessions, options.OutputPath, settings, stdout, stderr);
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

    private static LiveTraceOptions Options(LiveSettings settings, string output) => new()
    {
        OutputPath = output,
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

    private static void NameProcess(LiveTraceSession session, string processName, int? parentPid, TextWriter? notices)
    {
        var process = session.Analyzer.Model.Process(session.ProcessId);
        process.Name = processName;
        process.ParentProcessId = parentPid;
        if (notices is not null)
        {
            session.Analyzer.Findings.Found += f => notices.WriteLine($"{Environment.NewLine}dotnet-tracer: {f.Kind} found at {f.TimeMs / 1000:F2} s: {Plain(f)}");
        }
    }

    private static void Announce(string processName, int pid, LiveTraceOptions options, bool tui, TextWriter stderr) =>
        stderr.WriteLine(options.FlightRecorder is { } flight
            ? $"dotnet-tracer: tracing {processName} (pid {pid}) as a flight recorder: the last {flight.Window.TotalSeconds:0.###} s stay in memory "
              + $"and go to {options.OutputPath} when tracing stops ({Triggers(options)}{(tui ? "q in the UI" : "Ctrl+C")})"
            : $"dotnet-tracer: tracing {processName} (pid {pid}) into {options.OutputPath}; {(tui ? "q in the UI" : "Ctrl+C")} stops");

    private static string Triggers(LiveTraceOptions options) =>
        options.StopOn.Count == 0 ? string.Empty : $"a {string.Join("/", options.StopOn.Order(StringComparer.Ordinal))} finding, ";

    /// <summary>Runs tracing to its end under the UI (which blocks until the user quits) or with the progress line.</summary>
    private static async Task<StopReason> DriveAsync(LiveTraceSession shown, Func<CancellationToken, Task<StopReason>> run, InterruptSignals signals,
        bool tui, string processName, string output, ProgramOutputLog? programOutput, Func<string?> targetEnd, TextWriter stderr)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(signals.Interrupt);
        Task<StopReason> running = run(stop.Token);
        if (tui)
        {
            RunTui(shown, running, stop, signals.Interrupt, processName, output, programOutput, targetEnd);
        }
        else
        {
            using var progressStop = new CancellationTokenSource();
            Task progress = new ProgressLine(shown, stderr, interactive: !Console.IsErrorRedirected).RunAsync(progressStop.Token);
            await Task.WhenAny(running).ConfigureAwait(false);
            await progressStop.CancelAsync().ConfigureAwait(false);
            await progress.ConfigureAwait(false);
        }

        return await running.ConfigureAwait(false);
    }

    /// <summary>Blocks in the UI until the user quits; q there stops tracing first (the UI waits for the file to be finished).</summary>
    private static void RunTui(LiveTraceSession session, Task<StopReason> running, CancellationTokenSource stop, CancellationToken interrupted,
        string processName, string output, ProgramOutputLog? programOutput, Func<string?> targetEnd)
    {
        var tuiSession = new TuiSession
        {
            IsLive = true,
            Title = $"{TextSanitizer.Clean(processName)} (pid {session.ProcessId}) → {output}",
            IsFinished = () => running.IsCompleted,
            Progress = () => $"{session.Elapsed:mm\\:ss} · {session.BytesWritten / 1024.0:N0} KiB {(session.IsFlightRecorder ? "in memory" : "written")}",
            RequestStop = stop.Cancel,
            // EventPipe timestamps count from the session's start, as does the session's clock.
            NowMs = () => session.Elapsed.TotalMilliseconds,
            ProgramOutput = programOutput,
            ExternalStop = interrupted,
            EndNotice = () => targetEnd() ?? (running.IsCompletedSuccessfully ? Describe(running.Result) : null),
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

    private static int Finish(IReadOnlyList<LiveTraceSession> sessions, string output, LiveSettings settings, TextWriter stdout, TextWriter stderr)
    {
        long bytes = sessions.Sum(s => s.BytesWritten);
        string children = sessions.Count > 1 ? $" and {sessions.Count - 1} child trace(s) next to it" : string.Empty;
        stderr.WriteLine($"dotnet-tracer: trace written to {output}{children} ({bytes / 1024.0:N0} KiB); replay with: dotnet-tracer report {output}");
        TraceReport report = TraceReport.Build([.. sessions.Select(s => new ReportPart(s.Analyzer.Model, s.Analyzer.Findings.Snapshot()))], output);
        return ReportPrinter.Print(report, settings.Format, settings.FailOn, stdout);
    }

    /// <summary>A finding's summary before stacks are resolved: the primitive is named only in the report.</summary>
    private static string Plain(Finding f) => TextSanitizer.Clean(f.Summary);

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
