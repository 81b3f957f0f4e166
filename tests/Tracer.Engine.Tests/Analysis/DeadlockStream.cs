using Tracer.Engine.Analysis;
using Tracer.Engine.Events;

namespace Tracer.Engine.Tests.Analysis;

/// <summary>A synthetic record stream through a deadlock detector of its own, the trace running on past the cycle's
/// confirmation time after the last record.</summary>
internal static class DeadlockStream
{
    public static readonly double Confirm = new AnalysisOptions().DeadlockConfirmAfter.TotalMilliseconds;

    public static FindingSet Run(params TraceRecord[] events)
    {
        var detector = new DeadlockDetector();
        var findings = new FindingSet();
        foreach (TraceRecord e in events)
        {
            detector.OnEvent(e, findings);
        }

        detector.Complete(events[^1].TimeMs + Confirm, findings); // long enough to confirm a cycle still open
        return findings;
    }
}
