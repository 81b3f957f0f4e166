using Tracer.Engine.Events;

namespace Tracer.Engine.Analysis;

/// <summary>
/// A thread that burns CPU in a loop that does not end: a spin on a flag nobody sets, a livelock. Evidence, from CPU
/// samples only (docs/findings.md, "spin"): for at least <see cref="AnalysisOptions.SpinAfter"/> the thread's samples
/// are in managed code (on a CPU, not blocked in native code), in one caller chain (the stack without its innermost
/// address), over a handful of distinct innermost addresses (the few instructions of one loop), and the thread makes
/// no progress event in between (no wait, lock, pool, task or probe event). Work that calls around, blocks, or waits
/// between items breaks the run; so does a sample elsewhere once more than <see cref="MaxStrayShare"/> of the run.
/// <para>A spin is a state, like a hang: the finding is withdrawn when the thread moves on.</para>
/// </summary>
public sealed class SpinDetector(AnalysisOptions options) : IDetector
{
    /// <summary>Samples needed before a run can be judged (the sampler nominally takes ~1000 a second).</summary>
    public const int MinSamples = 50;

    /// <summary>More distinct innermost addresses than this is code doing varied work, not one tight loop.</summary>
    public const int MaxLeaves = 16;

    /// <summary>Samples off the loop (another chain, external code) a run tolerates, as a share of its samples.</summary>
    public const double MaxStrayShare = 0.1;

    /// <summary>A report is refreshed with fresher numbers at most this often (ms of trace time).</summary>
    private const double RefreshMs = 1000;

    private readonly double _thresholdMs = options.SpinAfter.TotalMilliseconds;
    private readonly Dictionary<int, Run> _runs = new();

    public bool Handles(TraceEventKind kind) =>
        kind is TraceEventKind.CpuSample or TraceEventKind.ContentionStart or TraceEventKind.ContentionStop
            or TraceEventKind.WaitStart or TraceEventKind.WaitStop or TraceEventKind.ThreadExited or TraceEventKind.PoolWorkerWait
            or TraceEventKind.PoolEnqueue or TraceEventKind.PoolDequeue or TraceEventKind.TaskEvent or TraceEventKind.Probe;

    public void OnEvent(in TraceRecord e, IFindingSink sink)
    {
        if (e.Kind != TraceEventKind.CpuSample)
        {
            End(e.ThreadId, sink); // the thread did something observable: whatever it ran was not an endless loop
            return;
        }

        int callers = (int)(long)e.ObjectId;
        if (!_runs.TryGetValue(e.ThreadId, out Run? run))
        {
            if (e.InManagedCode && callers >= 0)
            {
                _runs[e.ThreadId] = new Run(e, callers);
            }

            return;
        }

        run.Samples++;
        run.LastMs = e.TimeMs;
        if (e.InManagedCode && callers == run.Callers)
        {
            run.Matching++;
            run.StackId = e.StackId;
            if (run.Leaves.Count <= MaxLeaves)
            {
                run.Leaves.Add(e.LockId);
            }
        }
        else if (run.Samples - run.Matching > MinSamples / 5 + run.Samples * MaxStrayShare)
        {
            End(e.ThreadId, sink);
            if (e.InManagedCode && callers >= 0)
            {
                _runs[e.ThreadId] = new Run(e, callers); // perhaps the start of another loop
            }

            return;
        }

        if (IsSpin(run) && (run.ReportedMs is null || e.TimeMs - run.ReportedMs >= RefreshMs))
        {
            run.ReportedMs = e.TimeMs;
            sink.Report(Describe(e.ThreadId, run));
        }
    }

    public void Complete(double endMs, IFindingSink sink)
    {
        foreach ((int threadId, Run run) in _runs)
        {
            if (run.ReportedMs is not null)
            {
                sink.Report(Describe(threadId, run)); // final numbers
            }
        }
    }

    private bool IsSpin(Run run) =>
        run.LastMs - run.StartMs >= _thresholdMs && run.Matching >= MinSamples && run.Leaves.Count <= MaxLeaves;

    private void End(int threadId, IFindingSink sink)
    {
        if (_runs.Remove(threadId, out Run? run) && run.ReportedMs is not null)
        {
            sink.Retract(Key(run.ProcessId, threadId));
        }
    }

    private static string Key(int processId, int threadId) => $"spin:{processId}:{threadId}";

    private Finding Describe(int threadId, Run run)
    {
        double spinMs = run.LastMs - run.StartMs;
        double share = (double)run.Matching / run.Samples;
        return new Finding
        {
            Kind = FindingKinds.Spin,
            Severity = Severity.Error,
            Summary = $"a thread spins: {spinMs / 1000:N1} s in one loop, {share:P0} of its samples on the CPU in managed code, no wait or other progress",
            TimeMs = run.StartMs + _thresholdMs,
            Key = Key(run.ProcessId, threadId),
            Threads = [new FindingThread(threadId, "spins", null, null, run.StackId, run.StartMs, run.ProcessId)],
            Details =
            [
                $"{run.Matching:N0} of {run.Samples:N0} CPU samples over {spinMs / 1000:N1} s were in managed code in the same callers, "
                + $"at {run.Leaves.Count} distinct innermost address(es); the thread emitted no wait, lock, pool or task event meanwhile",
            ],
            Metrics = new Dictionary<string, double>
            {
                ["spinMs"] = spinMs,
                ["sinceMs"] = run.StartMs,
                ["samples"] = run.Samples,
                ["cpuShare"] = share,
                ["distinctLeaves"] = run.Leaves.Count,
                ["thresholdMs"] = _thresholdMs,
            },
        };
    }

    private sealed class Run(in TraceRecord first, int callers)
    {
        public int ProcessId { get; } = first.ProcessId;
        public int Callers { get; } = callers;
        public double StartMs { get; } = first.TimeMs;
        public double LastMs { get; set; } = first.TimeMs;
        public int Samples { get; set; } = 1;
        public int Matching { get; set; } = 1;
        public int StackId { get; set; } = first.StackId;
        public HashSet<ulong> Leaves { get; } = [first.LockId];
        public double? ReportedMs { get; set; }
    }
}
