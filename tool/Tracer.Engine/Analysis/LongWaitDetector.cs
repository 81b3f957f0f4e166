using Tracer.Engine.Events;
using Tracer.Engine.Model;
using Tracer.Engine.Symbols;

namespace Tracer.Engine.Analysis;

/// <summary>
/// Latency spikes: waits that did end and were abnormal for where they happened (docs/findings.md, "long-wait"). A
/// wait counts when it lasted at least <see cref="AnalysisOptions.LongWaitAfter"/> and at least
/// <see cref="RelativeFactor"/> times the median wait at the same place (the same lock; for other waits the same thread
/// and stack), over at least <see cref="MinWaitsAtPlace"/> waits there: a wait as long as the usual ones there is how
/// that code waits, not a spike. Idle points, joins and task waits (they last as long as the work they wait for) and
/// the tracer's own counter poller are never long waits; a polling wait is timed by its longest slice.
/// Waits are the model's <see cref="WaitTracker"/>; what a wait is comes from <paramref name="frames"/> through the
/// <see cref="WaitClassifier"/>, at the end, when the rundown has named the framework's frames.
/// </summary>
public sealed class LongWaitDetector(AnalysisOptions options, WaitTracker? waits = null, Func<int, IReadOnlyList<string>>? frames = null) : IDetector
{
    /// <summary>A long wait lasts at least this many times the median wait at its place...</summary>
    public const double RelativeFactor = 10;

    /// <summary>...which had at least this many waits (the long one included).</summary>
    public const int MinWaitsAtPlace = 5;

    private const int KeptCandidates = 64;
    private readonly double _minMs = options.LongWaitAfter.TotalMilliseconds;
    private readonly bool _ownsWaits = waits is null;
    private readonly WaitTracker _waits = waits ?? new WaitTracker();
    private readonly List<Candidate> _candidates = [];
    private readonly Dictionary<(bool OnLock, ulong Place, int ThreadId), WaitHistogram> _places = new();
    private readonly HashSet<int> _instrumentation = [];
    private readonly HashSet<string> _reported = [];

    /// <summary>Samples and GC events are not the thread's progress (a blocked thread is sampled too).</summary>
    public bool Handles(TraceEventKind kind) => !ThreadActivity.IsNotItsProgress(kind);

    public void OnEvent(in TraceRecord e, IFindingSink sink)
    {
        if (_ownsWaits)
        {
            _waits.Apply(e);
        }

        if (e.Kind == TraceEventKind.CounterSample)
        {
            _instrumentation.Add(e.ThreadId);
        }

        if (_waits.TryGetEndedLockWait(e, out EndedLockWait ended) && !ended.Lost)
        {
            LockWait w = ended.Wait;
            Keep(new Candidate(e.ThreadId, true, w.LockId, w.ObjectId, w.StackId, w.SinceMs, ended.EndMs, w.ProcessId, w.OwnerAtStart, ended.DurationMs, ended.DurationMs, 1));
        }

        // A wait without a stack cannot be shown to anyone, nor judged by where it is.
        if (_waits.TryGetSettledHandleWait(e, out SettledHandleWait settled) && !settled.Lost && settled.Wait.StackId >= 0)
        {
            HandleWait w = settled.Wait;
            double longestSlice = Math.Max(w.LongestSliceMs, w.LastSliceMs);
            Keep(new Candidate(e.ThreadId, false, 0, w.ObjectId, w.StackId, w.SinceMs, settled.EndMs, w.ProcessId, 0, settled.DurationMs, longestSlice, w.Slices));
        }
    }

    /// <summary>Live: the long waits so far. Framework frames are named only by the rundown at the end, so live a
    /// wait counts only when its primitive is already known (a lock wait always is); the final answer replaces these.</summary>
    public void Checkpoint(double nowMs, IFindingSink sink) => Judge(sink, final: false);

    public void Complete(double endMs, IFindingSink sink) => Judge(sink, final: true);

    private void Judge(IFindingSink sink, bool final)
    {
        var reported = new HashSet<string>();
        var judged = new List<(Candidate C, double Ms)>();
        foreach (Candidate c in _candidates)
        {
            if (_instrumentation.Contains(c.ThreadId))
            {
                continue;
            }

            WaitClass what = frames is null || c.StackId < 0 ? WaitClass.Unknown : WaitClassifier.Classify(frames(c.StackId));
            if (!c.OnLock && (what.IsIdle || what.WaitsForOtherWork || (!final && what.Primitive is null)))
            {
                continue;
            }

            double ms = c.Slices > 1 && !what.WaitsInSlices ? c.LongestSliceMs : c.DurationMs;
            WaitHistogram place = _places[PlaceOf(c)];
            double median = place.Percentile(50) / 1e6;
            if (ms >= _minMs && place.Count >= MinWaitsAtPlace && ms >= RelativeFactor * median)
            {
                judged.Add((c, ms));
            }
        }

        foreach (bool onLock in new[] { true, false })
        {
            foreach ((Candidate r, double ms) in judged.Where(j => j.C.OnLock == onLock).OrderByDescending(j => j.Ms).ThenBy(j => j.C.ThreadId).Take(options.LongWaitCount))
            {
                WaitHistogram place = _places[PlaceOf(r)];
                string primitive = (frames is null || r.StackId < 0 ? null : WaitClassifier.Primitive(frames(r.StackId)))
                    ?? (onLock ? "Monitor.Enter (lock)" : "a runtime wait");
                string what = onLock ? $"waited {ms:N0} ms for a contended lock ({primitive}), then got it"
                    : $"waited {ms:N0} ms in {primitive}, then went on";
                int? owner = r.Owner == 0 ? null : r.Owner;
                reported.Add($"long-wait:{r.ThreadId}:{r.StartMs:R}");
                sink.Report(new Finding
                {
                    Kind = FindingKinds.LongWait,
                    Severity = Severity.Info,
                    Summary = $"a thread {what}",
                    TimeMs = r.EndMs,
                    Key = $"long-wait:{r.ThreadId}:{r.StartMs:R}",
                    Threads = [new FindingThread(r.ThreadId, "waited", onLock ? r.LockId : null, owner, r.StackId, r.StartMs, r.ProcessId)],
                    Locks = onLock ? [new FindingLock(r.LockId, r.ObjectId, owner)] : [],
                    Details = [$"{place.Count:N0} waits {(onLock ? "on this lock" : "by this thread at this place")}, median {place.Percentile(50) / 1e6:N1} ms: this one took {ms / Math.Max(place.Percentile(50) / 1e6, 1e-3):N0}× as long"],
                    Metrics = new Dictionary<string, double> { ["waitMs"] = ms, ["startMs"] = r.StartMs, ["medianWaitMs"] = place.Percentile(50) / 1e6, ["waitsAtPlace"] = place.Count },
                });
            }
        }

        foreach (string key in _reported.Where(k => !reported.Contains(k)).ToList())
        {
            sink.Retract(key); // outranked since, or judged again with the frames named
        }

        _reported.Clear();
        _reported.UnionWith(reported);
    }

    private static (bool, ulong, int) PlaceOf(in Candidate c) => c.OnLock ? (true, c.LockId, 0) : (false, (ulong)(uint)c.StackId, c.ThreadId);

    private void Keep(in Candidate c)
    {
        (bool, ulong, int) key = PlaceOf(c);
        if (!_places.TryGetValue(key, out WaitHistogram? place))
        {
            place = new WaitHistogram();
            _places.Add(key, place);
        }

        place.Add((c.Slices > 1 ? c.LongestSliceMs : c.DurationMs) * 1e6);
        if (Math.Max(c.DurationMs, c.LongestSliceMs) < _minMs)
        {
            return;
        }

        _candidates.Add(c);
        if (_candidates.Count > 2 * KeptCandidates)
        {
            // Bounded memory: keep the longest of each kind.
            var keep = _candidates.Where(r => r.OnLock).OrderByDescending(r => r.DurationMs).Take(KeptCandidates)
                .Concat(_candidates.Where(r => !r.OnLock).OrderByDescending(r => r.DurationMs).Take(KeptCandidates)).ToList();
            _candidates.Clear();
            _candidates.AddRange(keep);
        }
    }

    private readonly record struct Candidate(int ThreadId, bool OnLock, ulong LockId, ulong ObjectId, int StackId, double StartMs, double EndMs,
        int ProcessId, int Owner, double DurationMs, double LongestSliceMs, int Slices);
}
