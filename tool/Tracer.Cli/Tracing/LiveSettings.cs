using Tracer.Cli.Commands;
using Tracer.Engine.Analysis;

namespace Tracer.Cli.Tracing;

/// <summary>What collect, run and demo share: when to stop, what to print, when to fail.</summary>
internal sealed record LiveSettings
{
    public string? OutputPath { get; init; }
    public TimeSpan? Duration { get; init; }
    public IReadOnlySet<string> StopOn { get; init; } = new HashSet<string>();
    public TimeSpan StopOnGrace { get; init; } = TimeSpan.Zero;
    public IReadOnlySet<string> FailOn { get; init; } = new HashSet<string>();
    public ReportFormat Format { get; init; } = ReportFormat.Text;
    public bool NoTui { get; init; }
    /// <summary>run/demo: also trace .NET child processes (default); --no-children resumes them untraced.</summary>
    public bool FollowChildren { get; init; } = true;
    /// <summary>--no-snapshot: no automatic snapshot (collect: when the process is quiet; run/demo: at stop while it still runs).</summary>
    public bool NoSnapshot { get; init; }
    /// <summary>Record TplEventSource's task events: always for run/demo, with --tasks for collect (see LiveTraceOptions.TaskEvents).</summary>
    public bool TaskEvents { get; init; } = true;
    /// <summary>--flight-recorder: keep only this much of the recent trace in memory and write it when tracing stops.</summary>
    public TimeSpan? FlightRecorder { get; init; }
    public AnalysisOptions Analysis { get; init; } = new();
    /// <summary>EventPipe's in-process buffer in MiB (--buffer-size): when the tracer falls behind by more, events are dropped and counted.</summary>
    public int BufferMegabytes { get; init; } = CommonOptions.DefaultBufferMegabytes;
    /// <summary>--force: replace an existing --output file (otherwise refused).</summary>
    public bool Force { get; init; }
    /// <summary>--cpu-sampling: the runtime's CPU sampler too (spin findings, stacks of silent threads).</summary>
    public bool CpuSampling { get; init; }
    /// <summary>--providers: extra EventSources.</summary>
    public IReadOnlyList<Microsoft.Diagnostics.NETCore.Client.EventPipeProvider> ExtraProviders { get; init; } = [];
    /// <summary>run/demo --races: run a rewritten copy that finds races, unsafe collection use and lock-order inversions itself.</summary>
    public bool Races { get; init; }
}
