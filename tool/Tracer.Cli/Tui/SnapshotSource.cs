using Tracer.Engine.Events;
using Tracer.Engine.Analysis;
using Tracer.Engine.Model;
using ThreadState = Tracer.Engine.Model.ThreadState;
using Tracer.Engine.Reports;

namespace Tracer.Cli.Tui;

/// <summary>
/// Takes <see cref="TuiSnapshot"/>s of a (possibly still growing) analyzer. Holds the analyzer's lock only while
/// copying (lanes, pool, a <see cref="ModelView"/> for the report) and builds the report after releasing it; timelines
/// are append-only, so a lane keeps its buffer and only new points are copied.
/// </summary>
internal sealed class SnapshotSource(TraceAnalyzer analyzer, string? traceFile)
{
    private readonly Dictionary<int, LaneBuffer> _lanes = new();
    private long _version = -1;
    private int _findingCount = -1;
    private volatile ChildTrace[] _children = [];
    private ChildTrace[]? _childrenTaken;
    private volatile int _shownPid;
    private int _shownTaken;

    public TraceAnalyzer Analyzer { get; } = analyzer;

    /// <summary>How long the last <see cref="Take"/> held the analyzer's lock (the decoder waits that long); measured for docs/performance.md.</summary>
    public TimeSpan LastLockHold { get; private set; }

    /// <summary>True when events or findings arrived, or the shown process changed, since the last snapshot.</summary>
    public bool Changed
    {
        get
        {
            lock (Analyzer.SyncRoot)
            {
                return Analyzer.Model.TotalEvents != _version || Analyzer.Findings.Snapshot().Count != _findingCount
                    || !ReferenceEquals(_children, _childrenTaken) || _shownPid != _shownTaken;
            }
        }
    }

    /// <summary>The process the screens show: 0 for the root trace's, else a child's pid (from <see cref="SetChildren"/>).</summary>
    public int ShownProcessId => _shownPid;

    /// <summary>
    /// The child processes of a traced process tree, each trace analyzed to the end (they do not change afterwards):
    /// one report per child, built once here rather than per snapshot.
    /// </summary>
    public void SetChildren(IReadOnlyList<ReportPart> children) =>
        _children = [.. children.Select(c => new ChildTrace(c, TraceReport.Build([c])))];

    /// <summary>Shows child process <paramref name="pid"/> on the screens; the root's pid, 0 or an unknown pid shows the root.</summary>
    public void Show(int pid) => _shownPid = pid != 0 && _children.Any(c => c.Holds(pid)) ? pid : 0;

    /// <param name="withEvents">Copy the recent raw events too (for the Events screen).</param>
    /// <param name="nowMs">Live: the trace time now; the snapshot then ends there rather than at the last event.</param>
    /// <remarks>The lock covers copying only (the lanes, the pool, a <see cref="ModelView"/>); the report is built from
    /// the copy after it is released, so the decoder never waits for the report.</remarks>
    public TuiSnapshot Take(bool withEvents, double? nowMs = null)
    {
        IReadOnlyList<Finding> findings = Analyzer.Findings.Snapshot();
        int shown = _shownPid;
        ChildTrace? child = shown == 0 ? null : _children.FirstOrDefault(c => c.Holds(shown));
        ModelView view;
        Copied? root = null;
        lock (Analyzer.SyncRoot)
        {
            using var held = new HoldTimer(this, System.Diagnostics.Stopwatch.GetTimestamp());
            TraceModel model = Analyzer.Model;
            _version = model.TotalEvents;
            _findingCount = findings.Count;
            _childrenTaken = _children;
            _shownTaken = shown;
            view = ModelView.Of(model);
            if (child is null)
            {
                root = Copy(model, Points, withEvents, Math.Max(model.EndMs, nowMs ?? 0));
            }
        }

        TraceReport report = TraceReport.Build(view, findings, traceFile);
        IReadOnlyList<TraceReport> children = [.. _childrenTaken.Select(c => c.Report)];
        // A finished child trace: nothing writes its model any more, so it is copied without the lock.
        return child is null
            ? Assemble(root!, report) with { Children = children }
            : Assemble(Copy(child.Part.Model, CopyPoints, withEvents, child.Part.Model.EndMs), child.Report) with { Children = children, TreeRoot = report };
    }

    /// <summary>A finished child trace's points: nothing writes its model any more, and it is only copied when shown.</summary>
    private static ArraySegment<StatePoint> CopyPoints(ThreadInfo t) => new(t.Timeline.Points.ToArray());

    /// <summary>What the screens draw besides the report, copied from the model.</summary>
    private static Copied Copy(TraceModel model, Func<ThreadInfo, ArraySegment<StatePoint>> pointsOf, bool withEvents, double endMs)
    {
        var lanes = new List<ThreadLane>(model.Threads.Count);
        foreach (ThreadInfo t in model.Threads.Values)
        {
            ArraySegment<StatePoint> points = pointsOf(t);
            lanes.Add(new ThreadLane(t.ThreadId, t.Name is { Length: > 0 } ? t.Name : $"tid {t.ThreadId}", t.DisplayName, points, t.ExitedMs,
                t.LockWaitMs + t.HandleWaitMs + OpenWaitMs(points, endMs), t.IsPoolWorker));
        }

        PoolHistory pool = model.Pool;
        return new Copied(lanes, double.IsNaN(model.StartMs) ? 0 : model.StartMs, endMs,
            new PoolSnapshot([.. pool.Workers], [.. pool.QueueLength], [.. pool.StarvationAdjustments]),
            withEvents ? model.RecentEvents.ToArray() : [], model.RecentEvents.Added - model.RecentEvents.Count);
    }

    /// <summary>The snapshot from the copies: names cleaned for the terminal here, outside the lock.</summary>
    private static TuiSnapshot Assemble(Copied copied, TraceReport report)
    {
        var names = new Dictionary<int, string>(copied.Lanes.Count);
        var lanes = new List<ThreadLane>(copied.Lanes.Count);
        foreach (ThreadLane raw in copied.Lanes)
        {
            ThreadLane lane = raw with { Name = TextSanitizer.Clean(raw.Name), DisplayName = TextSanitizer.Clean(raw.DisplayName) };
            names[lane.ThreadId] = lane.Name;
            lanes.Add(lane);
        }

        return new TuiSnapshot
        {
            Report = report,
            Lanes = lanes,
            StartMs = copied.StartMs,
            EndMs = copied.EndMs,
            Pool = copied.Pool,
            Events = copied.Events,
            EventsDropped = copied.EventsDropped,
            ThreadNames = names,
            LockNames = report.Locks.ToDictionary(l => l.LockId, l => l.Name),
        };
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
        if (!_lanes.TryGetValue(t.ThreadId, out LaneBuffer? buffer) || buffer.Generation != t.Timeline.Generation)
        {
            // New lane, or the model dropped its oldest points: start a fresh buffer (earlier snapshots keep theirs).
            buffer = new LaneBuffer { Generation = t.Timeline.Generation };
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

    /// <summary>The lanes (names not yet cleaned), pool and events copied from a model.</summary>
    private sealed record Copied(List<ThreadLane> Lanes, double StartMs, double EndMs, PoolSnapshot Pool, TraceRecord[] Events, long EventsDropped);

    private sealed record ChildTrace(ReportPart Part, TraceReport Report)
    {
        public bool Holds(int pid) => Report.Processes.Any(p => p.ProcessId == pid);
    }

    private readonly struct HoldTimer(SnapshotSource source, long entered) : IDisposable
    {
        public void Dispose() => source.LastLockHold = System.Diagnostics.Stopwatch.GetElapsedTime(entered);
    }

    private sealed class LaneBuffer
    {
        public StatePoint[] Items { get; set; } = new StatePoint[16];
        public int Count { get; set; }
        public int Generation { get; init; }
    }
}
