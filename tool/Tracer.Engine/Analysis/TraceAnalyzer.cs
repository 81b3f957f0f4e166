using Tracer.Engine.Events;
using Tracer.Engine.Model;
using Tracer.Engine.Symbols;

namespace Tracer.Engine.Analysis;

/// <summary>The model plus the detectors: the one path every event takes, live or replayed.</summary>
public sealed class TraceAnalyzer
{
    private readonly IDetector[] _detectors;
    /// <summary>Per record kind, the OnEvent of each detector that handles it, in catalog order. Delegates bound to the
    /// detectors' own methods: a direct call each, where an interface call on this megamorphic site went through the
    /// runtime's resolve stub (4 % of a replay).</summary>
    private readonly RecordHandler[][] _handlers;
    private bool _completed;

    public TraceAnalyzer(AnalysisOptions? options = null, IEnumerable<IDetector>? detectors = null)
    {
        Options = options ?? new AnalysisOptions();
        Model = new TraceModel(Options.SourceLines ? new PdbLineResolver() : null);
        _detectors = [.. detectors ?? DetectorCatalog.Create(Options, Model.Waits, Model.Resolver.Resolve)];
        TraceEventKind[] kinds = Enum.GetValues<TraceEventKind>();
        _handlers = new RecordHandler[kinds.Length][];
        foreach (TraceEventKind kind in kinds)
        {
            _handlers[(int)kind] = [.. _detectors.Where(d => d.Handles(kind)).Select(d => (RecordHandler)d.OnEvent)];
        }
    }

    private delegate void RecordHandler(in TraceRecord e, IFindingSink sink);

    public AnalysisOptions Options { get; }
    public TraceModel Model { get; }
    public FindingSet Findings { get; } = new();

    /// <summary>
    /// Held by the decoder while it applies one event (cheap: uncontended almost always), and briefly by a reader
    /// (the terminal UI) while it copies what it shows. Reentrant, so the decoder may hold it around a whole event.
    /// </summary>
    public Lock SyncRoot { get; } = new();

    public void OnEvent(in TraceRecord e)
    {
        lock (SyncRoot)
        {
            OnEventLocked(e);
        }

        DispatchFindings();
    }

    /// <summary>Announces new findings (<see cref="FindingSet.Found"/>) unless the caller still holds <see cref="SyncRoot"/>:
    /// subscribers then run outside the lock, so the decoder never waits for their I/O while a reader waits for it.</summary>
    public void DispatchFindings()
    {
        if (!SyncRoot.IsHeldByCurrentThread)
        {
            Findings.DispatchFound();
        }
    }

    /// <summary>Like <see cref="OnEvent"/>, for a caller that already holds <see cref="SyncRoot"/> (the decoder holds it
    /// per block: re-entering it per record was a measurable share of a replay).</summary>
    /// <summary>
    /// Withdraws the finding <paramref name="key"/> (a snapshot's hang, merged into a live trace) as soon as one of its
    /// threads does something of its own after <paramref name="afterMs"/>: the look caught it between two waits of a
    /// loop, not stuck. Call under <see cref="SyncRoot"/>.
    /// </summary>
    internal void RetractWhenAnyRuns(string key, IReadOnlyList<int> threads, double afterMs) => _retractWhenRun.Add((key, [.. threads], afterMs));

    private readonly List<(string Key, HashSet<int> Threads, double AfterMs)> _retractWhenRun = [];

    private void RetractIfRan(in TraceRecord e)
    {
        if (!ThreadActivity.ShowsItRan(e.Kind))
        {
            return;
        }

        for (int i = _retractWhenRun.Count - 1; i >= 0; i--)
        {
            (string key, HashSet<int> threads, double afterMs) = _retractWhenRun[i];
            if (e.TimeMs > afterMs && threads.Contains(e.ThreadId))
            {
                Findings.Retract(key);
                _retractWhenRun.RemoveAt(i);
            }
        }
    }

    internal void OnEventLocked(in TraceRecord e)
    {
        if (_retractWhenRun.Count > 0)
        {
            RetractIfRan(e);
        }

        Model.Apply(e);
        FindingSet findings = Findings;
        RecordHandler[] handlers = _handlers[(int)e.Kind];
        for (int i = 0; i < handlers.Length; i++)
        {
            handlers[i](e, findings);
        }
    }

    /// <summary>Live: asks every detector for its state at the latest trace time (<see cref="IDetector.Checkpoint"/>), then
    /// announces what it found outside the lock. A no-op once completed.</summary>
    public void Checkpoint()
    {
        lock (SyncRoot)
        {
            if (_completed)
            {
                return;
            }

            foreach (IDetector detector in _detectors)
            {
                detector.Checkpoint(Model.EndMs, Findings);
            }
        }

        DispatchFindings();
    }

    /// <summary>Ends the analysis at the trace's last timestamp (idempotent).</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        lock (SyncRoot)
        {
            foreach (IDetector detector in _detectors)
            {
                detector.Complete(Model.EndMs, Findings);
            }
        }

        DispatchFindings();
    }
}
