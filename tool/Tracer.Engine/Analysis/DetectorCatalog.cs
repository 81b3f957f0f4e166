using Tracer.Engine.Model;

namespace Tracer.Engine.Analysis;

/// <summary>The detectors every analysis runs, in report order.</summary>
public static class DetectorCatalog
{
    /// <summary>The detectors; those that follow waits read <paramref name="waits"/> (the model's, which the analyzer
    /// applies each record to first), or, without it, each keep and feed their own (a detector used alone). Those that
    /// judge waits by their stacks resolve them through <paramref name="frames"/> (the model's resolver).</summary>
    public static IReadOnlyList<IDetector> Create(AnalysisOptions options, WaitTracker? waits = null, Func<int, IReadOnlyList<string>>? frames = null) =>
    [
        new DeadlockDetector(waits, options),
        new HangDetector(options, waits, frames),
        new ConvoyDetector(options, waits),
        new LongWaitDetector(options, waits, frames),
        new StarvationDetector(),
        new LockStarvationDetector(waits, frames),
        new FaultedTaskDetector(),
        new RaceDetector(),
        new LockOrderDetector(),
        new SpinDetector(options),
        new GcPauseDetector(options),
    ];
}
