using Tracer.Cli.Output;
using Tracer.Engine.Collect;
using Tracer.Engine.Reports;

namespace Tracer.Cli.Tracing;

/// <summary>Runs live tracing to its end (for collect, run and demo) and prints the report.</summary>
internal static class LiveRunner
{
    /// <summary>Traces an already running process.</summary>
    public static async Task<int> AttachAsync(int pid, LiveSettings settings, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        TargetResolver.EnsureTraceable(pid);
        string processName = ProcFs.Name(pid) ?? "process";
        LiveTraceOptions options = Options(settings, settings.OutputPath ?? OutputFiles.DefaultTraceName(processName, pid));

        using var signals = new InterruptSignals(stderr);
        using var session = new LiveTraceSession(new DiagnosticsClientEndpoint(pid), options);
        Describe(session, processName, ProcFs.ParentId(pid), stderr);
        await session.StartAsync(ct).ConfigureAwait(false);
        Announce(processName, pid, options.OutputPath, settings, stderr);

        // A process that is already hung sends no events: the probe takes a snapshot when nothing moves.
        using HungProcessProbe? probe = HungProcessProbe.Start(pid, session, settings, stderr);
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(signals.Interrupt, probe?.StopRequested ?? CancellationToken.None);
        StopReason reason = await WithProgressAsync(session, stderr, () => session.RunAsync(interrupt.Token, signals.Force)).ConfigureAwait(false);
        reason = reason == StopReason.Interrupted && probe?.StopRequested.IsCancellationRequested == true ? StopReason.Finding : reason;
        stderr.WriteLine($"dotnet-tracer: tracing stopped ({Describe(reason)})");
        session.SaveMetadata();
        return await FinishAsync([session], options.OutputPath, settings, stdout, stderr, probe).ConfigureAwait(false);
    }

    /// <summary>Launches a program suspended and traces it (and, unless told not to, its .NET children) from their first instruction.</summary>
    public static async Task<int> LaunchAsync(string command, IReadOnlyList<string> arguments, LiveSettings settings, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        await using LaunchedProcess launched = await LaunchedProcess.StartAsync(command, arguments, TimeSpan.FromSeconds(15), null, stderr, ct).ConfigureAwait(false);
        int pid = launched.ProcessId;
        string processName = ProcFs.Name(pid) ?? Path.GetFileName(command);
        LiveTraceOptions options = Options(settings, settings.OutputPath ?? OutputFiles.DefaultTraceName(processName, pid));

        using var signals = new InterruptSignals(stderr);
        using var tree = new ProcessTreeTrace(launched, options, settings.FollowChildren);
        Describe(tree.Root, processName, Environment.ProcessId, stderr);
        tree.ChildTraced += (child, held) =>
        {
            child.Analyzer.Findings.Found += f => stderr.WriteLine($"{Environment.NewLine}dotnet-tracer: {f.Kind} found in pid {child.ProcessId} at {f.TimeMs / 1000:F2} s: {f.Summary}");
            stderr.WriteLine($"dotnet-tracer: tracing child pid {child.ProcessId} into {child.OutputPath} (held {held.TotalMilliseconds:F0} ms at start-up)");
        };
        tree.Notice += line => stderr.WriteLine($"dotnet-tracer: {line}");
        await tree.StartAsync(ct).ConfigureAwait(false);
        Announce(processName, pid, options.OutputPath, settings, stderr);

        StopReason reason = await WithProgressAsync(tree.Root, stderr, () => tree.RunAsync(signals.Interrupt, signals.Force)).ConfigureAwait(false);
        int? exitCode = await launched.StopAsync().ConfigureAwait(false);
        if (!launched.KilledByTracer)
        {
            tree.Root.Analyzer.Model.Process(pid).ExitCode = exitCode;
        }

        stderr.WriteLine(launched.KilledByTracer
            ? $"dotnet-tracer: tracing stopped ({Describe(reason)}); ended pid {pid}, which was still running"
            : $"dotnet-tracer: pid {pid} exited with code {exitCode}");
        tree.SaveMetadata();
        return await FinishAsync(tree.Sessions, options.OutputPath, settings, stdout, stderr, probe: null).ConfigureAwait(false);
    }

    private static LiveTraceOptions Options(LiveSettings settings, string output) => new()
    {
        OutputPath = output,
        Duration = settings.Duration,
        StopOn = settings.StopOn,
        Analysis = settings.Analysis,
    };

    private static void Describe(LiveTraceSession session, string processName, int? parentPid, TextWriter stderr)
    {
        var process = session.Analyzer.Model.Process(session.ProcessId);
        process.Name = processName;
        process.ParentProcessId = parentPid;
        session.Analyzer.Findings.Found += f => stderr.WriteLine($"{Environment.NewLine}dotnet-tracer: {f.Kind} found at {f.TimeMs / 1000:F2} s: {f.Summary}");
    }

    private static void Announce(string processName, int pid, string output, LiveSettings settings, TextWriter stderr)
    {
        stderr.WriteLine($"dotnet-tracer: tracing {processName} (pid {pid}) into {output}; Ctrl+C stops");
        if (!settings.NoTui)
        {
            stderr.WriteLine("dotnet-tracer: the live terminal UI is not built yet; showing progress instead (use --no-tui to silence this line)");
        }
    }

    private static async Task<StopReason> WithProgressAsync(LiveTraceSession session, TextWriter stderr, Func<Task<StopReason>> run)
    {
        using var progressStop = new CancellationTokenSource();
        Task progress = new ProgressLine(session, stderr, interactive: !Console.IsErrorRedirected).RunAsync(progressStop.Token);
        StopReason reason = await run().ConfigureAwait(false);
        await progressStop.CancelAsync().ConfigureAwait(false);
        await progress.ConfigureAwait(false);
        return reason;
    }

    private static async Task<int> FinishAsync(IReadOnlyList<LiveTraceSession> sessions, string output, LiveSettings settings,
        TextWriter stdout, TextWriter stderr, HungProcessProbe? probe)
    {
        long bytes = sessions.Sum(s => s.BytesWritten);
        string children = sessions.Count > 1 ? $" and {sessions.Count - 1} child trace(s) next to it" : string.Empty;
        stderr.WriteLine($"dotnet-tracer: trace written to {output}{children} ({bytes / 1024.0:N0} KiB); replay with: dotnet-tracer report {output}");
        TraceReport report = TraceReport.Build([.. sessions.Select(s => new ReportPart(s.Analyzer.Model, s.Analyzer.Findings.Snapshot()))], output);
        report = probe is null ? report : await probe.MergeAsync(report).ConfigureAwait(false);
        return ReportPrinter.Print(report, settings.Format, settings.FailOn, stdout);
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
