using Tracer.Engine.Analysis;

namespace Tracer.Engine.Collect;

/// <summary>How a live session runs and when it stops.</summary>
public sealed record LiveTraceOptions
{
    /// <summary>The .nettrace to write; empty: <see cref="LiveTrace"/> names it after the process (NAME_PID_yyyyMMdd_HHmmss.nettrace).</summary>
    public string OutputPath { get; init; } = string.Empty;
    /// <summary>--force: replace an existing <see cref="OutputPath"/> (otherwise refused before anything starts).</summary>
    public bool ReplaceOutput { get; init; }
    /// <summary>Launched programs: trace their .NET children too, each into FILE.PID.nettrace (false: resume them untraced).</summary>
    public bool TraceChildren { get; init; } = true;
    /// <summary>Stop after this long (null: until the target exits or the user interrupts).</summary>
    public TimeSpan? Duration { get; init; }
    /// <summary>Stop as soon as a finding of one of these kinds appears.</summary>
    public IReadOnlySet<string> StopOn { get; init; } = new HashSet<string>();
    /// <summary>How long to keep tracing after a --stop-on finding, so that related threads are caught too.</summary>
    public TimeSpan StopOnGrace { get; init; } = TimeSpan.Zero;
    public AnalysisOptions Analysis { get; init; } = new();
    /// <summary>EventPipe's in-process buffer; events are dropped (and counted) when it fills.</summary>
    public int BufferMegabytes { get; init; } = 256;
    /// <summary>Keep only the recent trace in memory and write it when tracing ends (null: stream everything to the file).</summary>
    public FlightRecorderOptions? FlightRecorder { get; init; }
    /// <summary>Enable the runtime's CPU sampler (Microsoft-DotNETCore-SampleProfiler, ~1 kHz per managed thread): spin
    /// findings, stacks of threads that emit no events, and profiles from `dotnet-trace convert`.</summary>
    public bool CpuSampling { get; init; }
    /// <summary>Extra providers (--providers), enabled next to the tracer's own.</summary>
    public IReadOnlyList<Microsoft.Diagnostics.NETCore.Client.EventPipeProvider> ExtraProviders { get; init; } = [];
    /// <summary>
    /// Turn on TplEventSource's task events (TaskStarted/Completed, for task-fault). Every await in the target then takes
    /// the runtime's slower, allocating path: an async ASP.NET Core app served ~20 % of its untraced requests/s with them
    /// on (docs/performance.md#task-events), so an attach leaves them off unless asked (collect --tasks).
    /// </summary>
    public bool TaskEvents { get; init; } = true;
    /// <summary>
    /// run --races: the target is a rewritten copy that detects races itself and reports them on Tracer-Races; the
    /// Tracer-Probes events are not enabled (the copy turns its probes into in-process edges), so nothing is found twice.
    /// </summary>
    public bool InProcessRaces { get; init; }
    /// <summary>Snapshot the process once when it looks hung (null: never). Set by <see cref="LiveTrace"/>, which owns the
    /// policy: an attached process when quiet, a launched one at stop if it still runs.</summary>
    public AutoSnapshotOptions? AutoSnapshot { get; internal init; }
    /// <summary>How long a call to the target may take before the tool gives up on it.</summary>
    public TimeSpan IpcTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
