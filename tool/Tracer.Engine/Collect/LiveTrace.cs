using Tracer.Engine.Analysis;
using Tracer.Engine.Reports;
using Tracer.Engine.Snapshot;

namespace Tracer.Engine.Collect;

/// <summary>
/// One live trace from start to report, for `collect` (attach) and `run`/`demo` (launch) alike. It is always a tree of
/// sessions (an attach is a tree of one) and owns what both kinds share: naming the processes and the output, the
/// snapshot policy (an attach: once when quiet; a launch: once at stop if still running; see the factories), notices for the user (<see cref="Notice"/>), the stop conditions, the sidecars and the report.
/// The CLI only draws around it (progress line or UI) and prints what it returns.
/// </summary>
public sealed class LiveTrace : IAsyncDisposable
{
    private readonly LiveTraceSession? _attached;
    private readonly LaunchedProcess? _launched;
    private readonly ProcessTreeTrace? _tree;

    private LiveTrace(LiveTraceSession session, string processName, int? parentPid)
    {
        _attached = session;
        Root = session;
        ProcessName = processName;
        Options = session.Options;
        Watch(session, processName, parentPid, inTree: false);
    }

    private LiveTrace(LaunchedProcess launched, LiveTraceOptions options, string processName)
    {
        _launched = launched;
        _tree = new ProcessTreeTrace(launched, options);
        Root = _tree.Root;
        ProcessName = processName;
        Options = options;
        Watch(Root, processName, Environment.ProcessId, inTree: false);
        _tree.ChildTraced += (child, held) =>
        {
            Watch(child, name: null, parentPid: null, inTree: true);
            Tell($"tracing child pid {child.ProcessId} into {child.OutputPath} (held {held.TotalMilliseconds:F0} ms at start-up)");
        };
        _tree.Notice += Tell;
    }

    /// <summary>Lines for the user, from any thread: findings as they appear, snapshots taken, children traced or refused.
    /// Subscribe before <see cref="StartAsync"/>; a line has no "dotnet-tracer:" prefix.</summary>
    public event Action<string>? Notice;

    /// <summary>The traced process's session (the launched program's, or the attached process's).</summary>
    public LiveTraceSession Root { get; }
    /// <summary>Every session so far, the root first; children join while a launched tree runs.</summary>
    public IReadOnlyList<LiveTraceSession> Sessions => _tree?.Sessions ?? [Root];
    public int ProcessId => Root.ProcessId;
    /// <summary>The target's name as shown (from /proc, the diagnostic port's command line, or the command launched).</summary>
    public string ProcessName { get; }
    /// <summary>The options in force: <see cref="LiveTraceOptions.OutputPath"/> resolved, the snapshot policy applied.</summary>
    public LiveTraceOptions Options { get; }
    /// <summary>run/demo: the tracer started the program (and ends it when tracing stops).</summary>
    public bool IsLaunched => _launched is not null;

    /// <summary>
    /// Prepares to trace a running process, by PID over its default port or over <paramref name="port"/>
    /// (--diagnostic-port). It is snapshotted once if it looks hung (a hang that formed before attach sends no events),
    /// unless <paramref name="snapshotWhenQuiet"/> is false or the port is in another PID namespace.
    /// </summary>
    public static LiveTrace Attach(int pid, DiagnosticPortEndpoint? port, LiveTraceOptions options, bool snapshotWhenQuiet)
    {
        bool local = port is null || port.IsLocal;
        if (port is null)
        {
            TargetResolver.EnsureTraceable(pid);
        }

        RefuseOverwrite(options);
        string processName = (local ? ProcFs.DisplayName(pid) : null) ?? ProcFs.DisplayName(port?.CommandLine) ?? "process";
        options = Resolve(options, processName, pid) with
        {
            // Another PID namespace: its threads are not in our /proc, so it cannot be snapshotted.
            AutoSnapshot = snapshotWhenQuiet && local
                ? new AutoSnapshotOptions { Snapshot = new SnapshotOptions { Observe = options.Analysis.HangAfter } }
                : null,
        };
        var session = new LiveTraceSession(port ?? (IEventPipeEndpoint)new DiagnosticsClientEndpoint(pid), options);
        return new LiveTrace(session, processName, ProcFs.ParentId(pid));
    }

    /// <summary>
    /// Starts a program suspended, to trace it (and, with <see cref="LiveTraceOptions.TraceChildren"/>, its .NET
    /// children) from the first instruction. The session sees every wait from the start, so there is no snapshot when
    /// it is quiet (snapshotting launched trees that way stalled a corpus run for 150 s); with
    /// <paramref name="snapshotAtStop"/> the program is looked at once if it still runs when tracing stops (duration,
    /// interrupt, q), for a hang that sends no event (an async one). The root only: children never are.
    /// </summary>
    /// <param name="programOutput">Receives the program's stdout and stderr lines (the tool's stdout is the report).</param>
    public static async Task<LiveTrace> LaunchAsync(string command, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment,
        TextWriter programOutput, LiveTraceOptions options, bool snapshotAtStop, CancellationToken ct)
    {
        RefuseOverwrite(options); // before anything is launched
        LaunchedProcess launched = await LaunchedProcess.StartAsync(command, arguments, TimeSpan.FromSeconds(15), environment, programOutput, ct)
            .ConfigureAwait(false);
        try
        {
            int pid = launched.ProcessId;
            string processName = ProcFs.DisplayName(pid) ?? Path.GetFileName(command);
            return new LiveTrace(launched, Resolve(options, processName, pid) with
            {
                AutoSnapshot = snapshotAtStop
                    ? new AutoSnapshotOptions { WhenQuiet = false, AtStop = true, Snapshot = new SnapshotOptions { Observe = options.Analysis.HangAfter } }
                    : null,
            }, processName);
        }
        catch
        {
            await launched.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens the output and starts the session(s); a launched program is resumed.</summary>
    public Task StartAsync(CancellationToken ct) => _tree is not null ? _tree.StartAsync(ct) : _attached!.StartAsync(ct);

    /// <summary>
    /// Traces until the first stop condition (target exit, --duration, a --stop-on finding, <paramref name="interrupt"/>,
    /// or <paramref name="force"/> at once), finishes every file, ends a launched program that still runs, and saves
    /// the sidecars.
    /// </summary>
    public async Task<LiveTraceEnd> RunAsync(CancellationToken interrupt, CancellationToken force)
    {
        if (_tree is null)
        {
            StopReason attachedEnd = await _attached!.RunAsync(interrupt, force).ConfigureAwait(false);
            _attached.SaveMetadata();
            return new LiveTraceEnd(attachedEnd, ExitCode: null, EndedByTracer: false);
        }

        StopReason reason = await _tree.RunAsync(interrupt, force).ConfigureAwait(false);
        int? exitCode = await _launched!.StopAsync(exiting: reason == StopReason.TargetExited).ConfigureAwait(false); // it closed its session: let it finish exiting
        if (!_launched.KilledByTracer)
        {
            Root.Analyzer.Model.Process(ProcessId).ExitCode = exitCode; // the decoder has finished: no lock needed
        }

        _tree.SaveMetadata();
        return new LiveTraceEnd(reason, exitCode, _launched.KilledByTracer);
    }

    /// <summary>True once the target ended by itself (for a launched program: with <see cref="TargetExitCode"/>).</summary>
    public bool TargetHasExited => _launched is not null ? _launched.Process.HasExited : !ProcFs.Exists(ProcessId);

    /// <summary>A launched program's exit code once it has exited; null otherwise.</summary>
    public int? TargetExitCode => _launched is { Process.HasExited: true } ? _launched.Process.ExitCode : null;

    /// <summary>The report over every session (call after <see cref="RunAsync"/>).</summary>
    public TraceReport Report() =>
        TraceReport.Build([.. Sessions.Select(s => new ReportPart(s.Analyzer.Model, s.Analyzer.Findings.Snapshot()))], Options.OutputPath);

    public async ValueTask DisposeAsync()
    {
        _attached?.Dispose();
        _tree?.Dispose();
        if (_launched is not null)
        {
            await _launched.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static void RefuseOverwrite(LiveTraceOptions options)
    {
        if (options.OutputPath.Length > 0)
        {
            OutputFiles.RefuseOverwrite(options.OutputPath, options.ReplaceOutput);
        }
    }

    /// <summary>No output named: NAME_PID_yyyyMMdd_HHmmss.nettrace here.</summary>
    private static LiveTraceOptions Resolve(LiveTraceOptions options, string processName, int pid) =>
        options.OutputPath.Length > 0 ? options : options with { OutputPath = OutputFiles.DefaultTraceName(processName, pid) };

    /// <summary>Names a session's process (children were named when their session was made) and turns its findings and
    /// notices into <see cref="Notice"/> lines.</summary>
    private void Watch(LiveTraceSession session, string? name, int? parentPid, bool inTree)
    {
        if (name is not null)
        {
            var process = session.Analyzer.Model.Process(session.ProcessId);
            process.Name = name;
            process.ParentProcessId = parentPid;
        }

        string where = inTree ? $" in pid {session.ProcessId}" : string.Empty;
        // Found is raised outside the analyzer's lock, so a slow subscriber does not hold up the decoder.
        session.Analyzer.Findings.Found += f => Tell($"{f.Kind} found{where} at {f.TimeMs / 1000:F2} s: {TextSanitizer.Clean(f.Summary)}");
        session.Notice += Tell;
    }

    private void Tell(string line) => Notice?.Invoke(line);
}

/// <summary>How a live trace ended: why tracing stopped and, for a launched program, how the program ended.</summary>
/// <param name="ExitCode">A launched program's exit code (null when attached, or when it did not end in time).</param>
/// <param name="EndedByTracer">The tracer ended the launched program, which was still running when tracing stopped.</param>
public sealed record LiveTraceEnd(StopReason Reason, int? ExitCode, bool EndedByTracer);
