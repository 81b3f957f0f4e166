using Tracer.Engine.Events;

namespace Tracer.Engine.Analysis;

/// <summary>
/// A pure, incremental analysis: it sees each event once, keeps its own state, and reports through the sink.
/// No I/O, no clocks, no terminal: the same events always give the same findings.
/// </summary>
public interface IDetector
{
    void OnEvent(in TraceRecord e, IFindingSink sink);

    /// <summary>Whether <see cref="OnEvent"/> does anything with records of <paramref name="kind"/>: the analyzer asks once
    /// per kind and then hands each record only to the detectors that handle its kind (most records are contentions,
    /// which most detectors ignore). Must not depend on state.</summary>
    bool Handles(TraceEventKind kind) => true;

    /// <summary>The trace ended at <paramref name="endMs"/>.</summary>
    void Complete(double endMs, IFindingSink sink);

    /// <summary>A live session asks for the state so far (about once a second of trace time): a detector that decides
    /// only at the end reports what it would decide now, under the keys its final answer uses (which then replaces it),
    /// so every kind can fire live. Detectors that report as they go need do nothing.</summary>
    void Checkpoint(double nowMs, IFindingSink sink)
    {
    }
}

/// <summary>Where detectors report.</summary>
public interface IFindingSink
{
    void Report(Finding finding);

    /// <summary>Withdraws a finding that later events disproved (e.g. a wait in a suspected cycle ended).</summary>
    void Retract(string key);
}
