using Tracer.Engine.Events;

namespace Tracer.Engine.Analysis;

/// <summary>
/// The runtime stopped every managed thread for long to collect garbage: from GCSuspendEEBegin (reason GC or GC prep)
/// to GCRestartEEEnd, with the generation, reason and type of the GC that ran inside (GCStart). Evidence
/// (docs/findings.md, "gc-pause"): one pause of at least <see cref="AnalysisOptions.GcPauseAfter"/>, or pauses that
/// take <see cref="AnalysisOptions.GcPauseShare"/> of the wall time of a <see cref="AnalysisOptions.GcPauseWindow"/>
/// (relative: a service whose many short GCs stop it a fifth of the time is held up as surely as by one long GC).
/// One finding per process, refreshed as pauses add up; a pause still open at the end of the trace counts to the end.
/// Suspensions for other reasons (the CPU sampler suspends about every 10 ms) are not GC pauses and are ignored.
/// </summary>
public sealed class GcPauseDetector(AnalysisOptions options) : IDetector
{
    /// <summary>SUSPEND_FOR_GC and SUSPEND_FOR_GC_PREP; the others (the CPU sampler's, the debugger's, ...) are no GC.</summary>
    public static bool IsGcSuspension(byte reason) => reason is 1 or 6;

    /// <summary>How many of the longest pauses the finding lists.</summary>
    public const int ListedPauses = 5;

    private readonly double _singleMs = options.GcPauseAfter.TotalMilliseconds;
    private readonly double _windowMs = options.GcPauseWindow.TotalMilliseconds;
    private readonly double _windowShare = options.GcPauseShare;
    private readonly Dictionary<int, Pending> _open = new();
    private readonly Dictionary<int, ProcessPauses> _processes = new();
    private double _lastRecordMs;

    /// <summary>Every kind: the time of the last record bounds a pause the trace stopped in (the rundown that follows a
    /// stop makes no records, and may be written long after).</summary>
    public void OnEvent(in TraceRecord e, IFindingSink sink)
    {
        _lastRecordMs = e.TimeMs;
        switch (e.Kind)
        {
            case TraceEventKind.CounterSample or TraceEventKind.CpuSample or TraceEventKind.Probe or TraceEventKind.TaskEvent:
                // Only managed code emits these (a sample needs a suspension of its own): the runtime runs again. A
                // restart the trace lost (a session stopped mid-GC no longer records it) ends the pause here, not at the
                // end of the rundown. Runtime events (waits, locks) may come from native code during a pause: not proof.
                if (_open.Count > 0 && _open.TryGetValue(e.ProcessId, out Pending? running) && e.TimeMs > running.StartMs)
                {
                    _open.Remove(e.ProcessId);
                    Close(e.ProcessId, running, e.TimeMs, stillOpen: false, sink);
                }

                break;
            case TraceEventKind.GcSuspendBegin when IsGcSuspension(e.Reason):
                _open[e.ProcessId] = new Pending(e.TimeMs, e.ThreadId, e.StackId);
                break;
            case TraceEventKind.GcStart when _open.TryGetValue(e.ProcessId, out Pending? pending) && pending.Generation is null:
                pending.Generation = e.GcGeneration;
                pending.GcReason = e.Reason;
                pending.GcType = e.GcType;
                break;
            case TraceEventKind.GcRestartEnd when _open.Remove(e.ProcessId, out Pending? ended):
                Close(e.ProcessId, ended, e.TimeMs, stillOpen: false, sink);
                break;
        }
    }

    public void Complete(double endMs, IFindingSink sink)
    {
        foreach ((int processId, Pending pending) in _open)
        {
            Close(processId, pending, Math.Max(Math.Min(endMs, _lastRecordMs), pending.StartMs), stillOpen: true, sink);
        }

        _open.Clear();
    }

    private void Close(int processId, Pending p, double endMs, bool stillOpen, IFindingSink sink)
    {
        if (!_processes.TryGetValue(processId, out ProcessPauses? pauses))
        {
            pauses = new ProcessPauses();
            _processes.Add(processId, pauses);
        }

        var pause = new GcPause(p.StartMs, endMs - p.StartMs, p.Generation, p.GcReason, p.GcType, p.ThreadId, p.StackId, stillOpen);
        pauses.Add(pause, _windowMs);
        double windowPausedMs = pauses.PausedInWindow(endMs, _windowMs);
        bool longOne = pause.DurationMs >= _singleMs;
        bool manyShort = windowPausedMs >= _windowShare * _windowMs;
        if (longOne || manyShort)
        {
            pauses.FirstEvidenceMs ??= endMs;
            pauses.Evidence.Add(pause);
            pauses.WorstWindowMs = Math.Max(pauses.WorstWindowMs, windowPausedMs);
        }

        if (pauses.FirstEvidenceMs is not null)
        {
            sink.Report(Describe(processId, pauses));
        }
    }

    private Finding Describe(int processId, ProcessPauses pauses)
    {
        GcPause longest = pauses.Evidence.MaxBy(p => p.DurationMs)!;
        List<GcPause> listed = [.. pauses.Evidence.OrderByDescending(p => p.DurationMs).Take(ListedPauses)];
        return new Finding
        {
            Kind = FindingKinds.GcPause,
            Severity = Severity.Error,
            Summary = $"the GC stopped every managed thread for {longest.DurationMs:N0} ms ({longest.Describe()}); "
                + $"at worst {pauses.WorstWindowMs / _windowMs:P0} of {_windowMs / 1000:0.#} s was spent suspended",
            TimeMs = pauses.FirstEvidenceMs!.Value,
            Key = $"gc-pause:{processId}",
            Threads = [new FindingThread(longest.ThreadId, "triggered the GC", null, null, longest.StackId, longest.StartMs, processId)],
            Details =
            [
                .. listed.Select(p => $"{p.DurationMs:N0} ms from {p.StartMs / 1000:F2} s: {p.Describe()}{(p.StillOpen ? ", at least: still suspended when tracing stopped" : string.Empty)}"),
                $"{pauses.Count:N0} GC suspensions in all, {pauses.TotalMs:N0} ms; threshold: one of {_singleMs:N0} ms, or {_windowShare:P0} of any {_windowMs / 1000:0.#} s",
            ],
            Metrics = new Dictionary<string, double>
            {
                ["longestPauseMs"] = longest.DurationMs,
                ["longestPauseAtMs"] = longest.StartMs,
                ["generation"] = longest.Generation ?? -1,
                ["longPauses"] = pauses.Evidence.Count,
                ["pauses"] = pauses.Count,
                ["totalPauseMs"] = pauses.TotalMs,
                ["worstWindowShare"] = pauses.WorstWindowMs / _windowMs,
                ["thresholdMs"] = _singleMs,
            },
        };
    }

    private sealed class Pending(double startMs, int threadId, int stackId)
    {
        public double StartMs { get; } = startMs;
        public int ThreadId { get; } = threadId;
        public int StackId { get; } = stackId;
        public int? Generation { get; set; }
        public byte GcReason { get; set; }
        public int GcType { get; set; }
    }

    private sealed class ProcessPauses
    {
        private readonly Queue<GcPause> _recent = new();

        public int Count { get; private set; }
        public double TotalMs { get; private set; }
        public double? FirstEvidenceMs { get; set; }
        public double WorstWindowMs { get; set; }
        public List<GcPause> Evidence { get; } = [];

        public void Add(GcPause pause, double windowMs)
        {
            Count++;
            TotalMs += pause.DurationMs;
            _recent.Enqueue(pause);
            double end = pause.StartMs + pause.DurationMs;
            while (_recent.Count > 0 && _recent.Peek().StartMs + _recent.Peek().DurationMs <= end - windowMs)
            {
                _recent.Dequeue();
            }
        }

        /// <summary>Paused time within (<paramref name="endMs"/> - window, <paramref name="endMs"/>].</summary>
        public double PausedInWindow(double endMs, double windowMs) =>
            _recent.Sum(p => Math.Max(0, p.StartMs + p.DurationMs - Math.Max(p.StartMs, endMs - windowMs)));
    }
}
