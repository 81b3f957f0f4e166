using Tracer.Engine.Events;
using Tracer.Engine.Symbols;

namespace Tracer.Engine.Model;

/// <summary>
/// Everything known about a trace so far: processes, threads with their timelines, contended locks, symbols.
/// Append-only; fed one record at a time by the decoder (live or replay alike). Not thread-safe by itself: writers
/// and readers on other threads (the terminal UI) hold <see cref="Analysis.TraceAnalyzer.SyncRoot"/>.
/// </summary>
public sealed class TraceModel
{
    /// <summary>The lock of the last contention: a convoy is one lock over and over, so most lookups end here.</summary>
    private LockInfo? _lastLock;
    /// <summary><see cref="Threads"/> again, indexed by thread id for the usual small ids: every record looks its thread
    /// up, and an array index is cheaper than a hash. Grows to the largest such id seen.</summary>
    private ThreadInfo?[] _threadsById = new ThreadInfo?[256];
    private const int DirectThreadLimit = 1 << 18;

    public Dictionary<int, ProcessInfo> Processes { get; } = new();
    public Dictionary<int, ThreadInfo> Threads { get; } = new();
    public Dictionary<ulong, LockInfo> Locks { get; } = new();
    /// <summary>Who waits for what and who holds which lock, now: the state the detectors read.</summary>
    public WaitTracker Waits { get; } = new();
    public ThreadPoolStats ThreadPool { get; } = new();
    public StackTable Stacks { get; } = new();
    public MethodTable Methods { get; } = new();
    public StackResolver Resolver { get; }
    /// <summary>The most recent decoded records, for the UI's raw event list (bounded).</summary>
    public EventRing RecentEvents { get; } = new(100_000);
    /// <summary>Thread-pool worker counts, queue estimates and starvation adjustments over time.</summary>
    public PoolHistory Pool { get; } = new();
    /// <summary>CPU samples per thread (empty unless the trace enabled the SampleProfiler).</summary>
    public CpuSamples Samples { get; } = new();

    /// <summary>Every event in the trace, decoded or not.</summary>
    public long TotalEvents { get; set; }
    /// <summary>Events EventPipe reported as dropped (buffers full).</summary>
    public long LostEvents { get; set; }
    public long TraceBytes { get; set; }
    public double StartMs { get; private set; } = double.NaN;
    public double EndMs { get; private set; }
    public double DurationMs => double.IsNaN(StartMs) ? 0 : EndMs - StartMs;

    /// <summary>What the trace could not tell, said once each (missing fields, older runtime, truncation).</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Seen events of each kind (for "which analyses were limited" notes).</summary>
    public long[] KindCounts { get; } = new long[Enum.GetValues<TraceEventKind>().Length];
    public bool SawLockOwners { get; set; }
    public bool SawStacks { get; set; }
    /// <summary>The trace stopped mid-stream (killed target, cut file).</summary>
    public bool Truncated { get; set; }
    /// <summary>Where reading stopped in a truncated trace (bytes from the start).</summary>
    public long TruncatedAtByte { get; set; }

    /// <param name="lines">Reads the source lines of report frames; null: frames are method names only.</param>
    public TraceModel(PdbLineResolver? lines = null) => Resolver = new StackResolver(Stacks, Methods) { Lines = lines };

    public void AddNote(string note)
    {
        if (!Notes.Contains(note))
        {
            Notes.Add(note);
        }
    }

    public ProcessInfo Process(int processId)
    {
        if (!Processes.TryGetValue(processId, out ProcessInfo? process))
        {
            process = new ProcessInfo(processId);
            Processes.Add(processId, process);
        }

        return process;
    }

    public ThreadInfo Thread(int threadId, int processId, double timeMs)
    {
        if ((uint)threadId < (uint)_threadsById.Length && _threadsById[threadId] is { } known)
        {
            return known;
        }

        if (!Threads.TryGetValue(threadId, out ThreadInfo? thread))
        {
            thread = new ThreadInfo(processId, threadId, timeMs);
            Threads.Add(threadId, thread);
        }

        if ((uint)threadId < DirectThreadLimit)
        {
            if (threadId >= _threadsById.Length)
            {
                Array.Resize(ref _threadsById, Math.Min(DirectThreadLimit, Math.Max(threadId + 1, _threadsById.Length * 2)));
            }

            _threadsById[threadId] = thread;
        }

        return thread;
    }

    public string ThreadName(int threadId) =>
        Threads.TryGetValue(threadId, out ThreadInfo? t) ? t.DisplayName : $"tid {threadId}";

    /// <summary>Marks that time has reached <paramref name="timeMs"/> even though no decoded event said so.</summary>
    public void Touch(double timeMs)
    {
        if (double.IsNaN(StartMs))
        {
            StartMs = timeMs;
        }

        if (timeMs > EndMs)
        {
            EndMs = timeMs;
        }
    }

    public void Apply(in TraceRecord e)
    {
        Touch(e.TimeMs);
        KindCounts[(int)e.Kind]++;
        if (e.Kind == TraceEventKind.CpuSample)
        {
            // A thousand a second per thread: kept per thread, not in the event list nor counted as the thread's activity.
            Samples.Add(e);
            Thread(e.ThreadId, e.ProcessId, e.TimeMs); // a thread that only ever runs is still named in findings
            return;
        }

        RecentEvents.Add(e);
        Pool.OnEvent(e);
        ThreadInfo thread = Thread(e.ThreadId, e.ProcessId, e.TimeMs);
        thread.LastSeenMs = e.TimeMs;
        if (ThreadActivity.ShowsItRan(e.Kind))
        {
            thread.LastRanMs = e.TimeMs;
        }

        thread.EventCount++;
        if (e.StackId >= 0)
        {
            SawStacks = true;
        }

        Waits.Apply(e);
        switch (e.Kind)
        {
            case TraceEventKind.ContentionStart:
                OnContentionStart(thread, e);
                break;
            case TraceEventKind.ContentionStop:
                OnContentionStop(thread, e);
                break;
            case TraceEventKind.WaitStart:
                // Monitor's own internal waits come inside a contention, an idle pool worker's while it waits for work:
                // the tracker keeps neither, and the timeline keeps the lock or idle state.
                if (Waits.TryGetHandleWait(e.ThreadId, out HandleWait started) && started.SliceSinceMs == e.TimeMs)
                {
                    thread.Timeline.Set(e.TimeMs, ThreadState.WaitingOnHandle, e.ObjectId);
                }

                break;
            case TraceEventKind.WaitStop:
                if (Waits.TryGetHandleWait(e.ThreadId, out HandleWait stopped) && stopped.EndedMs == e.TimeMs)
                {
                    thread.HandleWaitMs += stopped.LastSliceMs;
                    thread.Timeline.Set(e.TimeMs, ThreadState.Running);
                }

                break;
            case TraceEventKind.ThreadExited:
                thread.ExitedMs = e.TimeMs;
                thread.Timeline.Set(e.TimeMs, ThreadState.Exited);
                break;
            case TraceEventKind.PoolWorkerStart:
                thread.IsPoolWorker = true;
                thread.Timeline.Set(e.TimeMs, ThreadState.Running);
                break;
            case TraceEventKind.PoolWorkerWait:
                thread.IsPoolWorker = true;
                thread.Timeline.Set(e.TimeMs, ThreadState.PoolIdle);
                break;
            case TraceEventKind.PoolWorkerStop:
                thread.IsPoolWorker = true;
                thread.Timeline.Set(e.TimeMs, ThreadState.Exited);
                break;
            case TraceEventKind.PoolAdjustment:
                ThreadPool.OnAdjustment(e.TimeMs, e.Value, e.Reason);
                break;
            case TraceEventKind.CounterSample when e.Text is not null:
                ThreadPool.OnCounter(e.TimeMs, e.Text, e.Amount);
                break;
            case TraceEventKind.PoolDequeue:
                if (thread.Timeline.Current == ThreadState.PoolIdle)
                {
                    thread.Timeline.Set(e.TimeMs, ThreadState.Running);
                }

                break;
            default:
                if (thread.Timeline.Count == 0)
                {
                    thread.Timeline.Set(e.TimeMs, ThreadState.Running);
                }

                break;
        }
    }

    private void OnContentionStart(ThreadInfo thread, in TraceRecord e)
    {
        LockInfo? info = _lastLock;
        if (info is null || info.LockId != e.LockId)
        {
            if (!Locks.TryGetValue(e.LockId, out info))
            {
                info = new LockInfo(e.LockId, e.ObjectId);
                Locks.Add(e.LockId, info);
            }

            _lastLock = info;
        }

        if (e.OwnerThreadId != 0)
        {
            SawLockOwners = true;
        }

        info.OnContention(e.TimeMs, e.ThreadId, e.OwnerThreadId, e.StackId);
        thread.Timeline.Set(e.TimeMs, ThreadState.WaitingOnLock, e.LockId);
    }

    private void OnContentionStop(ThreadInfo thread, in TraceRecord e)
    {
        if (!Waits.TryGetEndedLockWait(e, out EndedLockWait ended) || ended.Lost)
        {
            return; // the wait began before the session did
        }

        LockInfo? info = _lastLock;
        if (info is not null && (info.LockId == ended.Wait.LockId || Locks.TryGetValue(ended.Wait.LockId, out info)))
        {
            info.OnWaitEnded(ended.DurationMs * 1e6, e.ThreadId);
        }

        thread.LockWaitMs += ended.DurationMs;
        thread.Timeline.Set(e.TimeMs, ThreadState.Running);
    }

    /// <summary>True while <paramref name="threadId"/> waits for a contended lock (between its ContentionStart and Stop).</summary>
    public bool IsWaitingOnLock(int threadId) => Waits.IsWaitingOnLock(threadId);

    /// <summary>Threads still waiting when the trace ended, with what they wait on and since when.</summary>
    public IEnumerable<(int ThreadId, bool OnLock, ulong Subject, double SinceMs)> OpenWaits()
    {
        foreach ((int tid, LockWait w) in Waits.LockWaits())
        {
            yield return (tid, true, w.LockId, w.SinceMs);
        }

        foreach ((int tid, HandleWait w) in Waits.HandleWaits())
        {
            if (!w.HasEnded)
            {
                yield return (tid, false, w.ObjectId, w.SinceMs);
            }
        }
    }
}
