using Tracer.Engine.Analysis;
using Tracer.Engine.Model;
using ThreadState = Tracer.Engine.Model.ThreadState;
using Tracer.Engine.Reports;

namespace Tracer.Cli.Tui;

/// <summary>
/// Takes <see cref="TuiSnapshot"/>s of a (possibly still growing) analyzer. Holds the analyzer's lock only while
/// copying; timelines are append-only, so a lane whose point count did not change reuses its previous copy.
/// </summary>
internal sealed class SnapshotSource(TraceAnalyzer analyzer, string? traceFile)
{
    private readonly Dictionary<int, LaneBuffer> _lanes = new();
    private long _version = -1;
    private int _findingCount = -1;
    private TuiSnapshot? _last;
    private volatile IReadOnlyList<TraceReport> _children = [];
    private IReadOnlyList<TraceReport>? _childrenTaken;

    public TraceAnalyzer Analyzer { get; } = analyzer;

    /// <summary>True when events or findings arrived since the last snapshot.</summary>
    public bool Changed
    {
        get
        {
            lock (Analyzer.SyncRoot)
            {
                return Analyzer.Model.TotalEvents != _version || Analyzer.Findings.Snapshot().Count != _findingCount
                    || !ReferenceEquals(_children, _childrenTaken);
            }
        }
    }

    /// <summary>
    /// The child processes of a traced process tree, each trace analyzed to the end (they do not change afterwards):
    /// one report per child, built once here rather than per snapshot.
    /// </summary>
    public void SetChildren(IReadOnlyList<ReportPart> children) =>
        _children = [.. children.Select(c => TraceReport.Build([c]))];

    /// <param name="withEvents">Copy the recent raw events too (for the Events screen).</param>
    /// <param name="nowMs">Live: the trace time now; the snapshot then ends there rather than at the last event.</param>
    public TuiSnapshot Take(bool withEvents, double? nowMs = null)
    {
        IReadOnlyList<Finding> findings = Analyzer.Findings.Snapshot();
        lock (Analyzer.SyncRoot)
        {
            TraceModel model = Analyzer.Model;
            _version = model.TotalEvents;
            _findingCount = findings.Count;
            _childrenTaken = _children;
            TraceReport report = TraceReport.Build(model, findings, traceFile);
            double endMs = Math.Max(model.EndMs, nowMs ?? 0);
            var names = new Dictionary<int, string>();
            var lanes = new List<ThreadLane>(model.Threads.Count);
            foreach (ThreadInfo t in model.Threads.Values)
            {
                string name = TextSanitizer.Clean(t.Name is { Length: > 0 } ? t.Name : $"tid {t.ThreadId}");
                names[t.ThreadId] = name;
                ArraySegment<StatePoint> points = Points(t);
                lanes.Add(new ThreadLane(t.ThreadId, name, TextSanitizer.Clean(t.DisplayName), points, t.ExitedMs,
                    t.LockWaitMs + t.HandleWaitMs + OpenWaitMs(points, endMs), t.IsPoolWorker));
            }

            PoolHistory pool = model.Pool;
            _last = new TuiSnapshot
            {
                Report = report,
                Children = _childrenTaken,
                Lanes = lanes,
                StartMs = double.IsNaN(model.StartMs) ? 0 : model.StartMs,
                EndMs = endMs,
                Pool = new PoolSnapshot([.. pool.Workers], [.. pool.QueueLength], [.. pool.StarvationAdjustments]),
                Events = withEvents ? model.RecentEvents.ToArray() : [],
                EventsDropped = model.RecentEvents.Added - model.RecentEvents.Count,
                ThreadNames = names,
                LockNames = report.Locks.ToDictionary(l => l.LockId, l => l.Name),
            };
            return _last;
        }
    }

    /// <summary>A wait still open at the end counts as blocked time too (a deadlocked thread's never ends).</summary>
    private static double OpenWaitMs(ArraySegment<StatePoint> points, double endMs) =>
        points.Count > 0 && points[^1].State is ThreadState.WaitingOnLock or ThreadState.WaitingOnHandle ? endMs - points[^1].TimeMs : 0;

    /// <summary>
    /// The lane's points as a segment of a buffer that only grows: points below a published count are never written
    /// again, so earlier snapshots stay valid while only the new points are copied (no full copy per refresh).
    /// </summary>
    private ArraySegment<StatePoint> Points(ThreadInfo t)
    {
        ReadOnlySpan<StatePoint> points = t.Timeline.Points;
        if (!_lanes.TryGetValue(t.ThreadId, out LaneBuffer? buffer))
        {
            buffer = new LaneBuffer();
            _lanes[t.ThreadId] = buffer;
        }

        if (points.Length > buffer.Items.Length)
        {
            var grown = new StatePoint[Math.Max(points.Length, buffer.Items.Length * 2)];
            Array.Copy(buffer.Items, grown, buffer.Count);
            buffer.Items = grown;
        }

        points[buffer.Count..].CopyTo(buffer.Items.AsSpan(buffer.Count));
        buffer.Count = points.Length;
        return new ArraySegment<StatePoint>(buffer.Items, 0, buffer.Count);
    }

    private sealed class LaneBuffer
    {
        public StatePoint[] Items { get; set; } = new StatePoint[16];
        public int Count { get; set; }
    }
}
