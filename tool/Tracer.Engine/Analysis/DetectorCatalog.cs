namespace Tracer.Engine.Analysis;

/// <summary>The detectors every analysis runs, in report order.</summary>
public static class DetectorCatalog
{
    public static IReadOnlyList<IDetector> Create(AnalysisOptions options) =>
    [
        new DeadlockDetector(),
        new HangDetector(options),
        new ConvoyDetector(options),
        new LongWaitDetector(options),
        new StarvationDetector(),
        new LockStarvationDetector(),
        new FaultedTaskDetector(),
        new RaceDetector(),
        new LockOrderDetector(),
    ];
}
