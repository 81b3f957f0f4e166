using Tracer.Engine.Analysis;
using Tracer.Engine.Events;
using Tracer.Engine.Snapshot;

namespace Tracer.Engine.Collect;

/// <summary>
/// Watches a session attached to a running process and, when it looks hung (<see cref="AutoSnapshotOptions"/>), takes
/// one snapshot and merges it into the session's analysis (<see cref="SnapshotMerge"/>), where its findings raise
/// Found and --stop-on like any other. A deadlock is merged as soon as the threads are read (it is certain without
/// watching them); the rest after the threads were watched. Once per session; a failed snapshot is a note.
/// </summary>
internal sealed class HungProcessWatch
{
    private readonly LiveTraceSession _session;
    private readonly AutoSnapshotOptions _options;
    private readonly CancellationTokenSource _cancel = new();
    private readonly CancellationTokenSource _abandon = new();
    private readonly Task _watch;
    private volatile bool _started;

    public HungProcessWatch(LiveTraceSession session, AutoSnapshotOptions options)
    {
        _session = session;
        _options = options;
        session.Analyzer.Findings.HoldsOwnerlessWaits = true; // this watch looks before they are announced
        _watch = Task.Run(WatchAsync);
    }

    /// <summary>The snapshot taken, once it is complete.</summary>
    public ProcessSnapshot? Snapshot { get; private set; }

    /// <summary>
    /// A snapshot not yet started will not start; one under way is finished (its findings belong in the report),
    /// unless <paramref name="force"/> (a second Ctrl+C) says to abandon it.
    /// </summary>
    public async Task FinishAsync(CancellationToken force)
    {
        if (!_started)
        {
            await _cancel.CancelAsync().ConfigureAwait(false);
        }

        using (force.Register(_abandon.Cancel))
        {
            await _watch.ConfigureAwait(false);
        }

        _session.Analyzer.Findings.ReleaseHeld(atEnd: true); // no look will judge them now; what still stands is told
        _cancel.Dispose();
        _abandon.Dispose();
    }

    /// <summary>
    /// The look when tracing stops while the process still runs (<see cref="AutoSnapshotOptions.AtStop"/>): once per
    /// session, not after a deadlock was found, not when a snapshot was taken already; abandoned on <paramref name="force"/>.
    /// </summary>
    public async Task LookAtStopAsync(CancellationToken force)
    {
        if (!_options.AtStop || _started || Snapshot is not null || _session.Analyzer.Findings.Any(FindingKinds.Deadlock))
        {
            return;
        }

        await _cancel.CancelAsync().ConfigureAwait(false); // the quiet watch, if any, takes none now
        await _watch.ConfigureAwait(false);
        if (_started)
        {
            return;
        }

        _started = true;
        using (force.Register(_abandon.Cancel))
        {
            await SnapshotAsync("tracing stops while the program still runs", asyncOnly: true).ConfigureAwait(false);
        }

        ReleaseHeldByTheLook();
    }

    /// <summary>
    /// Looks once: when the main thread's hang waits to be judged (<see cref="FindingSet.HoldsOwnerlessWaits"/>: is it
    /// the program's wait for shutdown?), or, attached (<see cref="AutoSnapshotOptions.WhenQuiet"/>), when the locks went
    /// quiet (a hang that formed before the attach sends no events).
    /// </summary>
    private async Task WatchAsync()
    {
        FindingSet findings = _session.Analyzer.Findings;
        long seen = LockEvents();
        while (true)
        {
            try
            {
                await Task.Delay(_options.WhenQuiet ? _options.Quiet : HeldCheckEvery, _cancel.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            long now = LockEvents();
            if (findings.Any(FindingKinds.Deadlock))
            {
                findings.ReleaseHeld();
                return; // found live: nothing to look for
            }

            if (findings.HasHeld)
            {
                _started = true;
                await SnapshotAsync("a thread has waited past --hang-after on an object nothing signalled", asyncOnly: !_options.WhenQuiet,
                    purpose: "to see whether code that still runs can signal it before a hang is reported").ConfigureAwait(false);
                ReleaseHeldByTheLook();
                return;
            }

            if (_options.WhenQuiet && now == seen)
            {
                _started = true;
                await SnapshotAsync($"no lock activity for {_options.Quiet.TotalSeconds:0.#} s").ConfigureAwait(false);
                ReleaseHeldByTheLook();
                return;
            }

            seen = now;
        }
    }

    /// <summary>
    /// Held hangs after the look: the main thread's wait for shutdown was dismissed by the merge; a hang whose every thread
    /// waits on an object that code still running reaches may be a worker between items, so it is told only at the end,
    /// if it still stands; the rest (nothing can signal them, or the heap did not say) now.
    /// </summary>
    private void ReleaseHeldByTheLook()
    {
        HashSet<int> reachable = Snapshot is { } look
            ? [.. BlockedThread.From(look).Where(b => WaitReach.Of(look, b) == WaitReach.Reached).Select(b => b.Thread.OsThreadId)]
            : [];
        _session.Analyzer.Findings.ReleaseHeld(untilEnd: f => f.Threads.All(t => reachable.Contains(t.ThreadId)));
    }

    /// <summary>How often a session that only looks for a held hang checks for one.</summary>
    private static readonly TimeSpan HeldCheckEvery = TimeSpan.FromMilliseconds(500);

    /// <param name="asyncOnly">Merge only the async findings: the trace saw every thread's waits from the start.</param>
    /// <param name="purpose">What the look is for, as the user reads it.</param>
    private async Task SnapshotAsync(string why, bool asyncOnly = false, string purpose = "to look for a hang that sends no events")
    {
        int pid = _session.ProcessId;
        double takenAtMs = _session.Elapsed.TotalMilliseconds;
        _session.Tell($"{why}; taking a snapshot of pid {pid} {purpose} "
            + "(threads read attached, a pause of milliseconds, nothing written; --no-snapshot turns this off)");
        try
        {
            ProcessSnapshot snapshot = await SnapshotCapture.TakeAsync(pid, _options.Snapshot, _abandon.Token,
                read => MergeDeadlocks(read with { TakenAtMs = takenAtMs, AsyncFindingsOnly = asyncOnly }), _session.Tell).ConfigureAwait(false);
            Snapshot = snapshot with { TakenAtMs = takenAtMs, AsyncFindingsOnly = asyncOnly };
            _session.Tell(SnapshotAnalysis.Describe(Snapshot));
            SnapshotMerge.Into(_session.Analyzer, Snapshot, withinTrace: true);
            lock (_session.Analyzer.SyncRoot)
            {
                _session.Analyzer.Model.AddNote($"{why}, so a snapshot was taken at {takenAtMs / 1000:F1} s: findings marked 'snapshot' come from it");
            }
        }
        catch (TracerUserException ex)
        {
            AddNote($"the automatic snapshot failed: {ex.Message}");
        }
        catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
        {
            AddNote("the automatic snapshot under way was abandoned: tracing was forced to stop");
        }
    }

    private void AddNote(string note)
    {
        lock (_session.Analyzer.SyncRoot)
        {
            _session.Analyzer.Model.AddNote(note);
        }
    }

    /// <summary>A cycle in what was read is certain already: report (and stop on) it without waiting for the watch.</summary>
    private void MergeDeadlocks(ProcessSnapshot read)
    {
        if (!read.AsyncFindingsOnly && SnapshotAnalysis.Analyze(read, _session.Analyzer.Options).Findings.Any(FindingKinds.Deadlock))
        {
            SnapshotMerge.Into(_session.Analyzer, read, withinTrace: true, kinds: [FindingKinds.Deadlock]);
        }
    }

    // Torn reads of the counters are harmless: any change means the locks are alive.
    private long LockEvents() =>
        _session.Analyzer.Model.KindCounts[(int)TraceEventKind.ContentionStart] + _session.Analyzer.Model.KindCounts[(int)TraceEventKind.ContentionStop];
}
