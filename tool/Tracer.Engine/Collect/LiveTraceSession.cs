using System.Diagnostics;
using Microsoft.Diagnostics.NETCore.Client;
using Tracer.Engine.Analysis;
using Tracer.Engine.Decoding;

namespace Tracer.Engine.Collect;

/// <summary>
/// One EventPipe session on one process: the stream is written to the .nettrace file and decoded by the same read,
/// on a dedicated thread, into the analyzer. Stops on duration, interrupt, target exit or a finding, and always
/// finalizes the file (the runtime's stop message makes it write its rundown and end-of-stream marker).
/// </summary>
public sealed class LiveTraceSession : IDisposable
{
    private readonly IEventPipeEndpoint _endpoint;
    private readonly LiveTraceOptions _options;
    private readonly Stopwatch _clock = new();
    private readonly TaskCompletionSource _decoderDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _findingStop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private EventPipeStream? _session;
    private FileStream? _file;
    private StreamPump? _pump;
    private EventPipeDecoder? _decoder;
    private FlightRecorderWindow? _window;
    private ThreadNameWatcher? _threadNames;
    private HungProcessWatch? _hungWatch;
    private long? _savedBytes;

    public LiveTraceSession(IEventPipeEndpoint endpoint, LiveTraceOptions options)
    {
        _endpoint = endpoint;
        _options = options;
        ProcessId = endpoint.ProcessId;
        Analyzer = new TraceAnalyzer(options.Analysis);
        Analyzer.Findings.Found += OnFound;
    }

    public int ProcessId { get; }
    public TraceAnalyzer Analyzer { get; }
    public TimeSpan Elapsed => _clock.Elapsed;
    /// <summary>Bytes in the file; with the flight recorder, the bytes held in memory until it is saved.</summary>
    public long BytesWritten => _savedBytes ?? _window?.RetainedBytes ?? _pump?.BytesWritten ?? 0;
    /// <summary>Read from other threads for progress only (a torn read is harmless).</summary>
    public long Events => Analyzer.Model.TotalEvents;
    public string OutputPath => _options.OutputPath;
    public LiveTraceOptions Options => _options;
    /// <summary>--flight-recorder: the trace is held in memory and written when tracing stops.</summary>
    public bool IsFlightRecorder => _options.FlightRecorder is not null;
    /// <summary>Completes when the decoder has read the whole stream.</summary>
    public Task Completion => _decoderDone.Task;
    /// <summary>Completes when a finding named by <see cref="LiveTraceOptions.StopOn"/> appeared.</summary>
    public Task StopRequested => _findingStop.Task;
    /// <summary>Lines for the user about what the session does to the target (the automatic snapshot), from any thread.</summary>
    public event Action<string>? Notice;
    /// <summary>The automatic snapshot, once taken (<see cref="LiveTraceOptions.AutoSnapshot"/>).</summary>
    public Snapshot.ProcessSnapshot? Snapshot => _hungWatch?.Snapshot;

    /// <summary>Opens the output, starts the session and the decoder thread. The target keeps running (or stays suspended, for run).</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        _file = OutputFiles.CreatePrivate(_options.OutputPath);
        _threadNames = new ThreadNameWatcher(ProcessId);
        var providers = new List<EventPipeProvider>
        {
            new(RuntimeProviders.Runtime, System.Diagnostics.Tracing.EventLevel.Verbose, RuntimeProviders.TracerKeywords | TplEventDecoder.ExceptionKeyword),
            _options.InProcessRaces
                ? new(RuntimeProviders.Races, System.Diagnostics.Tracing.EventLevel.Warning)
                : new(RuntimeProviders.Probes, System.Diagnostics.Tracing.EventLevel.Informational),
            // Counters every second: pool queue length and thread count, and a heartbeat that moves trace time on while
            // the target is hung and emits nothing else (so hangs are found while it is still live).
            new(RuntimeProviders.RuntimeCounters, System.Diagnostics.Tracing.EventLevel.Informational, 0,
                new Dictionary<string, string> { ["EventCounterIntervalSec"] = "1" }),
        };
        if (_options.CpuSampling)
        {
            providers.Add(new(RuntimeProviders.SampleProfiler, System.Diagnostics.Tracing.EventLevel.Informational));
        }

        providers = ProviderSpecs.Merge(providers, _options.ExtraProviders);

        if (_options.TaskEvents)
        {
            providers.Add(new(TplEventDecoder.TplProvider, System.Diagnostics.Tracing.EventLevel.Verbose, TplEventDecoder.TplKeywords));
        }
        else
        {
            Analyzer.Model.AddNote("task events (TplEventSource) were off, so faulted tasks were not looked for live (collect --tasks turns them on; they slow every await in the target)");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.IpcTimeout);
        try
        {
            _session = await _endpoint.StartSessionAsync(providers, requestRundown: true, _options.BufferMegabytes, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TracerUserException($"process {ProcessId} did not answer the request to start tracing within {_options.IpcTimeout.TotalSeconds:0} s");
        }
        catch (ServerNotAvailableException ex)
        {
            throw new TracerUserException($"process {ProcessId} is gone or closed its diagnostic port ({ex.Message})");
        }
        catch (Exception ex) when (RefusalByRuntime(ex) is string why)
        {
            throw new TracerUserException($"the runtime of process {ProcessId} ({ProcFs.Name(ProcessId) ?? "?"}) does not support the request to start tracing ({why}); "
                + "it is probably too old: dotnet-tracer needs .NET 5 or later (.NET 8+ names lock owners)");
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException or System.Net.Sockets.SocketException)
        {
            throw new TracerUserException($"cannot open the diagnostic port of process {ProcessId}: {ex.Message}");
        }

        _clock.Start();
        _window = _options.FlightRecorder is { } flight ? new FlightRecorderWindow(flight) : null;
        _pump = new StreamPump(_session.Stream, _window is null ? _file : null);
        _pump.Start();
        var thread = new Thread(Decode) { IsBackground = true, Name = "tracer-decoder" };
        thread.Start();
        _hungWatch = _options.AutoSnapshot is { } auto ? new HungProcessWatch(this, auto) : null;
    }

    internal void Tell(string line) => Notice?.Invoke(line);

    /// <summary>The snapshot policy's look before tracing stops a program that still runs (<see cref="AutoSnapshotOptions.AtStop"/>).</summary>
    internal Task LookBeforeStopAsync(CancellationToken force) =>
        _hungWatch is null || !ProcFs.Exists(ProcessId) ? Task.CompletedTask : _hungWatch.LookAtStopAsync(force);

    /// <summary>Why the runtime answered the session command with an error, or null when the failure was something else.</summary>
    private static string? RefusalByRuntime(Exception ex) => ex switch
    {
        Ipc.IpcRefusedException refused => refused.Message,
        UnsupportedCommandException => "unknown command",
        BadEncodingException => "request rejected as badly encoded: an option it does not know",
        ServerErrorException error => error.Message,
        _ => null,
    };

    /// <summary>Waits for the end: target exit, duration, interrupt (graceful) or force (immediate). Returns why it ended.</summary>
    public async Task<StopReason> RunAsync(CancellationToken interrupt, CancellationToken force)
    {
        StopReason reason = await StopConditions.FirstAsync(_decoderDone.Task, _findingStop.Task, _options.Duration, interrupt, force).ConfigureAwait(false);

        if (reason != StopReason.TargetExited && !await StopAsync(force).ConfigureAwait(false))
        {
            reason = StopReason.Forced;
        }

        CloseOutput();
        if (_hungWatch is not null)
        {
            await _hungWatch.FinishAsync(force).ConfigureAwait(false); // its findings belong in the report and the sidecar
        }

        return reason;
    }

    /// <summary>
    /// Closes the .nettrace. When the stream was cut (the target died, or a forced stop), the partial last block is
    /// dropped and the end-of-stream marker written, so the file reads to its end like any finished trace. That is
    /// done from the file itself once the pump is detached from it, whether or not the decoder has caught up: a
    /// forced stop under load must not leave a file that "ends early". Idempotent.
    /// </summary>
    public void CloseOutput()
    {
        if (_file is null)
        {
            return;
        }

        if (_window is not null)
        {
            SaveWindow(_file);
        }

        _pump?.DetachFile(); // nothing more reaches the file, even from a pump still blocked on a dead stream
        bool cut = Analyzer.Model.Truncated || !_decoderDone.Task.IsCompleted;
        _file.Dispose();
        _file = null;
        if (_window is null && cut)
        {
            try
            {
                if (Decoding.NettraceFraming.FinalizeCutTrace(_options.OutputPath) is long length)
                {
                    AddNoteLocked($"the stream was cut (target died or tracing was forced); the tracer finalized the file at {length:N0} bytes, after the last complete block");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                AddNoteLocked($"the stream was cut and the file could not be finalized: {ex.Message}");
            }
        }
    }

    /// <summary>The decoder may still be reading what had arrived: notes are added under its lock.</summary>
    private void AddNoteLocked(string note)
    {
        lock (Analyzer.SyncRoot)
        {
            Analyzer.Model.AddNote(note);
        }
    }

    /// <summary>Writes the sidecar with thread names, process facts and the snapshot known now (call after RunAsync).</summary>
    public void SaveMetadata() => (TraceMetadata.From(Analyzer.Model) with { Snapshot = Snapshot }).Save(_options.OutputPath);

    public void Dispose()
    {
        _threadNames?.Dispose();
        _session?.Dispose();
        _decoder?.Dispose();
        _pump?.Dispose();
        CloseOutput();
    }

    /// <summary>Asks the runtime to stop and drains the stream; true when the file ended cleanly.</summary>
    public async Task<bool> StopAsync(CancellationToken force)
    {
        if (_session is null || _decoderDone.Task.IsCompleted)
        {
            return true;
        }

        _window?.Freeze(); // from here on keep everything: the rundown names the methods
        bool stopAccepted = false;
        try
        {
            using var stopTimeout = CancellationTokenSource.CreateLinkedTokenSource(force);
            stopTimeout.CancelAfter(_options.IpcTimeout);
            await _session.StopAsync(stopTimeout.Token).ConfigureAwait(false);
            stopAccepted = true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or ServerNotAvailableException or IOException or TimeoutException
            or EndOfStreamException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            // The target is gone or stuck; the stream ends either way.
        }

        // The decoder must keep draining for the stop to complete (the runtime writes its rundown, then ends the
        // stream). A target that did not even take the stop command will not send more: give it a moment only.
        TimeSpan drainBudget = stopAccepted ? _options.IpcTimeout : TimeSpan.FromSeconds(1);
        Task drainTimeout = Task.Delay(drainBudget, force).ContinueWith(_ => { }, TaskScheduler.Default);
        if (await Task.WhenAny(_decoderDone.Task, drainTimeout).ConfigureAwait(false) == _decoderDone.Task)
        {
            return true;
        }

        _decoder?.StopProcessing();
        _session.Dispose(); // closes the stream so a blocked read returns
        await Task.WhenAny(_decoderDone.Task, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None)).ConfigureAwait(false);
        return false;
    }

    /// <summary>Writes the flight recorder's window into the (already created, owner-only) output file.</summary>
    private void SaveWindow(FileStream file)
    {
        try
        {
            if (Analyzer.Model.Truncated && _decoderDone.Task.IsCompleted)
            {
                _window!.NoteCut($"reading stopped at byte {Analyzer.Model.TruncatedAtByte:N0}");
            }

            FlightRecorderStats stats = _window!.WriteTo(file);
            _savedBytes = stats.SavedBytes;
            Analyzer.Model.AddNote(FlightRecorderNotes.Describe(stats, _options.FlightRecorder!, _options.OutputPath));
        }
        catch (IOException ex)
        {
            Analyzer.Model.AddNote($"flight recorder: the window could not be written to {_options.OutputPath}: {ex.Message}");
        }
    }

    private void Decode()
    {
        ThreadNice.Lower(10);
        try
        {
            ThreadNameWatcher? names = _threadNames;
            StreamPump pump = _pump!;
            _decoder = new EventPipeDecoder(pump.Reader, Analyzer,
                (pid, tid) => pid == ProcessId && names is not null ? names.Lookup(tid) : ProcFs.ThreadName(pid, tid),
                _window is null ? null : new FlightRecorderFeed(_window, () => pump.DecoderReached));
            if (!_decoder.CanDispatchPending)
            {
                Analyzer.Model.AddNote("this trace format is read through TraceEvent, which cannot dispatch live events early; findings appear at sequence points or when tracing stops");
            }

            pump.Starved = _decoder.DispatchPending;
            _decoder.Process();
        }
        catch (Exception ex) when (ex is TraceFormatException or IOException or ObjectDisposedException)
        {
            Analyzer.Model.AddNote($"the session ended before any trace data arrived ({ex.Message})");
            Analyzer.Complete();
        }
        finally
        {
            RefreshThreadNames();
            _decoderDone.TrySetResult();
        }
    }

    private void OnFound(Finding finding)
    {
        // Named mutexes and semaphores are visible only while the process lives: note them when something is found.
        // Raised outside the analyzer's lock: /proc is read first, the model is written under the lock.
        IReadOnlyList<string> named = [.. ProcFs.NamedSyncObjects(ProcessId)];
        var names = finding.Threads.Select(t => (t.ThreadId, Name: ProcFs.ThreadName(ProcessId, t.ThreadId))).ToList();
        lock (Analyzer.SyncRoot)
        {
            Analyzer.Model.Process(ProcessId).NamedObjects.UnionWith(named);
            foreach ((int tid, string? name) in names)
            {
                if (name is not null && Analyzer.Model.Threads.TryGetValue(tid, out Model.ThreadInfo? thread))
                {
                    thread.Name = name;
                }
            }
        }

        if (_options.StopOn.Contains(finding.Kind))
        {
            if (_options.StopOnGrace <= TimeSpan.Zero)
            {
                _findingStop.TrySetResult();
            }
            else
            {
                _ = Task.Delay(_options.StopOnGrace).ContinueWith(_ => _findingStop.TrySetResult(), TaskScheduler.Default);
            }
        }
    }

    private void RefreshThreadNames()
    {
        lock (Analyzer.SyncRoot)
        {
            RefreshThreadNamesLocked();
        }
    }

    private void RefreshThreadNamesLocked()
    {
        Analyzer.Model.Process(ProcessId).NamedObjects.UnionWith(ProcFs.NamedSyncObjects(ProcessId));
        foreach (Model.ThreadInfo thread in Analyzer.Model.Threads.Values)
        {
            thread.Name = ProcFs.ThreadName(thread.ProcessId == 0 ? ProcessId : thread.ProcessId, thread.ThreadId) ?? thread.Name;
        }
    }
}
