using Tracer.Engine.Collect.Ipc;

namespace Tracer.Engine.Collect;

/// <summary>
/// Traces a launched program and every .NET process below it, each from its first instruction: children inherit
/// DOTNET_DiagnosticPorts, connect to the same listener, get their own session (FILE.PID.nettrace) and are resumed.
/// A runtime that is not a descendant is refused. The root's sidecar lists the children, so `report FILE` opens the
/// whole tree. Any session's --stop-on finding stops them all.
/// </summary>
internal sealed class ProcessTreeTrace : IDisposable
{
    private readonly LaunchedProcess _launched;
    private readonly LiveTraceOptions _options;
    private readonly List<LiveTraceSession> _sessions = [];
    private readonly TaskCompletionSource _findingStop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopAccepting = new();
    private Task _acceptLoop = Task.CompletedTask;

    public ProcessTreeTrace(LaunchedProcess launched, LiveTraceOptions options)
    {
        _launched = launched;
        _options = options;
        Root = new LiveTraceSession(launched.Root, options);
        Track(Root);
    }

    public LiveTraceSession Root { get; }

    /// <summary>Raised (on a pool thread) when a child process is traced and resumed, with how long the child was held
    /// suspended for its session to start (the start-up delay tracing adds to each child).</summary>
    public event Action<LiveTraceSession, TimeSpan>? ChildTraced;

    /// <summary>Lines worth telling the user (children refused, children that vanished during set-up).</summary>
    public event Action<string>? Notice;

    public IReadOnlyList<LiveTraceSession> Sessions
    {
        get
        {
            lock (_sessions)
            {
                return [.. _sessions];
            }
        }
    }

    public static string ChildTracePath(string rootPath, int pid)
    {
        string stem = rootPath.EndsWith(".nettrace", StringComparison.OrdinalIgnoreCase) ? rootPath[..^".nettrace".Length] : rootPath;
        return $"{stem}.{pid}.nettrace";
    }

    /// <summary>Starts the root's session, resumes it, and begins accepting its children.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        await Root.StartAsync(ct).ConfigureAwait(false);
        await _launched.Root.ResumeRuntimeAsync(ct).ConfigureAwait(false);
        _acceptLoop = Task.Run(() => AcceptChildrenAsync(_stopAccepting.Token), CancellationToken.None);
    }

    /// <summary>Runs until the root process ends, the duration passes, an interrupt, or a --stop-on finding; then stops every session.</summary>
    public async Task<StopReason> RunAsync(CancellationToken interrupt, CancellationToken force)
    {
        StopReason reason = await StopConditions.FirstAsync(Root.Completion, _findingStop.Task, _options.Duration, interrupt, force).ConfigureAwait(false);
        if (reason is StopReason.Duration or StopReason.Interrupted)
        {
            await Root.LookBeforeStopAsync(force).ConfigureAwait(false); // the program has not ended by itself: is it stuck?
        }

        await _stopAccepting.CancelAsync().ConfigureAwait(false);
        await _acceptLoop.ConfigureAwait(false);
        bool[] clean = await Task.WhenAll(Sessions.Select(s => s.StopAsync(force))).ConfigureAwait(false);
        foreach (LiveTraceSession session in Sessions)
        {
            session.CloseOutput();
        }

        return clean.All(c => c) || reason == StopReason.TargetExited ? reason : StopReason.Forced;
    }

    /// <summary>Saves each session's sidecar; the root's also lists the children (the tree's manifest).</summary>
    public void SaveMetadata()
    {
        IReadOnlyList<LiveTraceSession> sessions = Sessions;
        foreach (LiveTraceSession child in sessions.Where(s => s != Root))
        {
            child.SaveMetadata();
        }

        TraceMetadata manifest = TraceMetadata.From(Root.Analyzer.Model) with
        {
            Snapshot = Root.Snapshot,
            Children = [.. sessions.Where(s => s != Root).Select(s => new TraceMetadata.ChildTrace(
                s.ProcessId, s.Analyzer.Model.Process(s.ProcessId).ParentProcessId, // read from /proc while the child surely lived
                Path.GetFileName(s.OutputPath)))],
        };
        manifest.Save(Root.OutputPath);
    }

    public void Dispose()
    {
        foreach (LiveTraceSession session in Sessions)
        {
            session.Dispose();
        }

        _stopAccepting.Dispose();
    }

    private void Track(LiveTraceSession session)
    {
        lock (_sessions)
        {
            _sessions.Add(session);
        }

        _ = session.StopRequested.ContinueWith(_ => _findingStop.TrySetResult(), TaskScheduler.Default);
    }

    private async Task AcceptChildrenAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            RuntimeAdvertisement runtime;
            try
            {
                runtime = await _launched.Listener.NextRuntimeAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = Task.Run(() => TraceChildAsync(runtime, ct), CancellationToken.None);
        }
    }

    private async Task TraceChildAsync(RuntimeAdvertisement runtime, CancellationToken ct)
    {
        var held = System.Diagnostics.Stopwatch.StartNew();
        var endpoint = new ReversedRuntimeEndpoint(_launched.Listener, runtime);
        if (!ProcessTree.IsSelfOrDescendant(runtime.ProcessId, _launched.ProcessId))
        {
            _launched.Listener.Refuse(runtime.Cookie);
            Notice?.Invoke($"refused a runtime (pid {runtime.ProcessId}) that is not a descendant of the traced program");
            return;
        }

        try
        {
            if (_options.TraceChildren)
            {
                var session = new LiveTraceSession(endpoint, _options with { OutputPath = ChildTracePath(_options.OutputPath, runtime.ProcessId), AutoSnapshot = null });
                session.Analyzer.Model.Process(runtime.ProcessId).ParentProcessId = ProcFs.ParentId(runtime.ProcessId);
                session.Analyzer.Model.Process(runtime.ProcessId).Name = ProcFs.DisplayName(runtime.ProcessId);
                await session.StartAsync(ct).ConfigureAwait(false);
                Track(session);
                await endpoint.ResumeRuntimeAsync(ct).ConfigureAwait(false);
                ChildTraced?.Invoke(session, held.Elapsed);
                return;
            }

            await endpoint.ResumeRuntimeAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TracerUserException or IOException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            Notice?.Invoke($"could not trace child pid {runtime.ProcessId}: {ex.Message}");
        }
    }
}
