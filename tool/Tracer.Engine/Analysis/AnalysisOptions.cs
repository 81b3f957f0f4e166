namespace Tracer.Engine.Analysis;

/// <summary>Thresholds the detectors use.</summary>
public sealed record AnalysisOptions
{
    /// <summary>A thread blocked this long without progress is a hang.</summary>
    public TimeSpan HangAfter { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A wait-for cycle is a deadlock once it has held this long (trace time) with no member's wait ending.
    /// Owners are last known: a lock's owner may have let it go while its waiter, woken, is not yet scheduled (for
    /// tens of ms on a loaded machine), and the owner's next wait closes a cycle that is not there. A real one never
    /// resolves, so waiting costs its report this much time and nothing else.</summary>
    public TimeSpan DeadlockConfirmAfter { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A lock is a convoy when it has at least this much total wait...</summary>
    public TimeSpan ConvoyMinTotalWait { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>...over at least this many contentions...</summary>
    public int ConvoyMinContentions { get; init; } = 20;

    /// <summary>...and this share of all lock wait in the trace (0..1)...</summary>
    public double ConvoyMinShare { get; init; } = 0.5;

    /// <summary>...and its waiting threads spent at least this share of the time it was contended (first contention to
    /// last) waiting for it (0..1): a lock that costs a healthy service 0.1 % of its threads' time is not a convoy.</summary>
    public double ConvoyMinWaitingShare { get; init; } = 0.05;

    /// <summary>A resolved wait at least this long is a long wait (latency spike).</summary>
    public TimeSpan LongWaitAfter { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How many of the longest waits are reported.</summary>
    public int LongWaitCount { get; init; } = 3;

    /// <summary>A thread sampled running the same loop this long, without waiting or other progress, spins (needs CPU samples).</summary>
    public TimeSpan SpinAfter { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>One GC suspension this long is a gc-pause finding, whatever else the process does.</summary>
    public TimeSpan GcPauseAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Also a gc-pause: suspensions that take this share (0..1) of the wall time of any <see cref="GcPauseWindow"/>.</summary>
    public double GcPauseShare { get; init; } = 0.2;

    /// <summary>The window <see cref="GcPauseShare"/> is measured over.</summary>
    public TimeSpan GcPauseWindow { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Report frames of the program's own code get their source line ("Ns.Type.Method (File.cs:42)") from
    /// the portable PDB next to the module, when it matches. Off, frames are method names only, whatever is on disk
    /// (the golden tests: the modules a fixture names may exist on one machine and not on another).</summary>
    public bool SourceLines { get; init; } = true;
}
