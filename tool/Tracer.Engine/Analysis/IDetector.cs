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

    /// <summary>The trace ended (or a live session is asked for its state) at <paramref name="endMs"/>.</summary>
    void Complete(double endMs, IFindingSink sink);
}

/// <summary>Where detectors report.</summary>
public interface IFindingSink
{
    void Report(Finding finding);

    /// <summary>Withdraws a finding that later events disproved (e.g. a wait in a suspected cycle ended).</summary>
    void Retract(string key);
}
