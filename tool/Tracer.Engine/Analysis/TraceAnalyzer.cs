using Tracer.Engine.Events;
using Tracer.Engine.Model;

namespace Tracer.Engine.Analysis;

/// <summary>The model plus the detectors: the one path every event takes, live or replayed.</summary>
public sealed class TraceAnalyzer
{
    private readonly IDetector[] _detectors; // an array: the per-event loop must not allocate an enumerator
    private bool _completed;

    public TraceAnalyzer(AnalysisOptions? options = null, IEnumerable<IDetector>? detectors = null)
    {
        Options = options ?? new AnalysisOptions();
        _detectors = [.. detectors ?? DetectorCatalog.Create(Options)];
    }

    public AnalysisOptions Options { get; }
    public TraceModel Model { get; } = new();
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
    }

    /// <summary>Like <see cref="OnEvent"/>, for a caller that already holds <see cref="SyncRoot"/> (the decoder holds it
    /// per block: re-entering it per record was a measurable share of a replay).</summary>
    internal void OnEventLocked(in TraceRecord e)
    {
        Model.Apply(e);
        FindingSet findings = Findings;
        for (int i = 0; i < _detectors.Length; i++)
        {
            _detectors[i].OnEvent(e, findings);
        }
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
    }
}
