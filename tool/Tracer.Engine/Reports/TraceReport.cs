using Tracer.Engine.Analysis;
using Tracer.Engine.Model;

namespace Tracer.Engine.Reports;

/// <summary>
/// A trace's findings and tables with names and frames resolved: what text, JSON and the UI render.
/// Built from the model after (or during) analysis; holds no reference back to it.
/// </summary>
public sealed record TraceReport
{
    public const int SchemaVersion = 1;

    public string? TraceFile { get; init; }
    public double DurationMs { get; init; }
    public long Events { get; init; }
    public long LostEvents { get; init; }
    public long Bytes { get; init; }
    public bool Truncated { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];
    public IReadOnlyList<ReportProcess> Processes { get; init; } = [];
    public IReadOnlyList<ReportThread> Threads { get; init; } = [];
    public IReadOnlyList<ReportLock> Locks { get; init; } = [];
    public IReadOnlyList<ReportFinding> Findings { get; init; } = [];
    public ReportThreadPool? ThreadPool { get; init; }
    /// <summary>Snapshot stacks grouped: identical stacks (and states) once, with their threads.</summary>
    public IReadOnlyList<ReportStackGroup> StackGroups { get; init; } = [];

    public bool Has(string kind) => Findings.Any(f => f.Kind == kind);

    public static TraceReport Build(TraceModel model, IReadOnlyList<Finding> findings, string? traceFile = null) =>
        Build([new ReportPart(model, findings)], traceFile);

    /// <summary>One report over several processes (a traced process tree): the first part is the root.</summary>
    public static TraceReport Build(IReadOnlyList<ReportPart> parts, string? traceFile = null) =>
        Build([.. parts.Select(p => (ModelView.Of(p.Model), p.Findings))], traceFile);

    /// <summary>A report from a copy of a live model (taken under the analyzer's lock), built without the lock.</summary>
    public static TraceReport Build(ModelView view, IReadOnlyList<Finding> findings, string? traceFile = null) =>
        Build([(view, findings)], traceFile);

    private static TraceReport Build(IReadOnlyList<(ModelView Model, IReadOnlyList<Finding> Findings)> parts, string? traceFile)
    {
        var builders = parts.Select(p => (Part: p, Builder: new ReportBuilder(p.Model))).ToList();
        bool many = parts.Count > 1;
        var report = new TraceReport
        {
            TraceFile = traceFile,
            DurationMs = parts.Count == 0 ? 0 : parts.Max(p => p.Model.DurationMs),
            Events = parts.Sum(p => p.Model.TotalEvents),
            LostEvents = parts.Sum(p => p.Model.LostEvents),
            Bytes = parts.Sum(p => p.Model.TraceBytes),
            Truncated = parts.Any(p => p.Model.Truncated),
            Notes = [.. builders.SelectMany((b, i) => b.Part.Model.Notes.Select(n => many && i > 0 ? $"pid {b.Builder.MainProcessId}: {n}" : n))],
            Processes = [.. parts.SelectMany(p => p.Model.Processes.Values).GroupBy(p => p.ProcessId).Select(g => g.First())
                .Select(p => new ReportProcess(p.ProcessId, TextSanitizer.Clean(p.Name), TextSanitizer.Clean(p.CommandLine), p.ParentProcessId, p.ExitCode)
                { NamedObjects = [.. p.NamedObjects.Select(TextSanitizer.Clean)] })],
            Threads = [.. builders.SelectMany(b => b.Part.Model.Threads.Values.OrderBy(t => t.ThreadId).Select(b.Builder.Thread))],
            Locks = [.. builders.SelectMany(b => b.Builder.Locks()).OrderByDescending(l => l.TotalWaitMs).ThenByDescending(l => l.Contentions)],
            Findings = CrossProcessHangs.AddGroups(
                [.. builders.SelectMany(b => b.Part.Findings.SelectMany(b.Builder.Findings))
                    .Select((f, i) => (f, i)).OrderByDescending(x => x.f.Severity).ThenBy(x => x.i).Select(x => x.f)],
                parts.SelectMany(p => p.Model.Processes.Values).ToDictionary(p => p.ProcessId, p => (IReadOnlySet<string>)p.NamedObjects)),
            ThreadPool = parts.Count == 0 ? null : ReportThreadPool.From(parts[0].Model.ThreadPool, parts[0].Findings),
        };
        return report with { StackGroups = GroupStacks(report.Threads) };
    }

    private static IReadOnlyList<ReportStackGroup> GroupStacks(IReadOnlyList<ReportThread> threads) =>
    [
        .. threads.Where(t => t.State is not null)
            .GroupBy(t => (t.ProcessId, t.State, Frames: string.Join('\n', t.Stack)))
            .Select(g => new ReportStackGroup(g.Key.ProcessId, [.. g.Select(t => t.ThreadId)], [.. g.Select(t => t.DisplayName)], g.Key.State!, g.First().Stack))
            .OrderByDescending(g => g.ThreadIds.Count).ThenBy(g => g.ThreadIds[0]),
    ];
}

/// <summary>One process's model and findings, as input to a report.</summary>
public sealed record ReportPart(TraceModel Model, IReadOnlyList<Finding> Findings);

public sealed record ReportProcess(int ProcessId, string Name, string CommandLine, int? ParentProcessId, int? ExitCode)
{
    /// <summary>Named Mutexes/Semaphores it had open (SCOPE/NAME).</summary>
    public IReadOnlyList<string> NamedObjects { get; init; } = [];
}

public sealed record ReportThread(int ThreadId, int ProcessId, string? Name, string DisplayName, double FirstSeenMs, double LastSeenMs,
    double? ExitedMs, bool PoolWorker, double LockWaitMs, double HandleWaitMs)
{
    /// <summary>What a snapshot saw it doing; null when no snapshot was taken.</summary>
    public string? State { get; init; }
    /// <summary>Its stack at the snapshot, innermost first; empty when no snapshot was taken.</summary>
    public IReadOnlyList<string> Stack { get; init; } = [];
}

/// <summary>Threads of one process with the same snapshot stack (dotnet-dump's pstacks), largest group first.</summary>
public sealed record ReportStackGroup(int ProcessId, IReadOnlyList<int> ThreadIds, IReadOnlyList<string> Names, string State, IReadOnlyList<string> Frames);

public sealed record ReportStack(int Count, IReadOnlyList<string> Frames);

/// <summary>A contended lock; <see cref="TotalWaitMs"/> and <see cref="MaxWaitMs"/> include the <see cref="StillWaiting"/>
/// waits still open at the trace's end (counted up to it), percentiles only the waits that ended.</summary>
public sealed record ReportLock(int ProcessId, ulong LockId, ulong ObjectId, string Name, int Contentions, double TotalWaitMs, double MaxWaitMs,
    double P50WaitMs, double P99WaitMs, IReadOnlyList<int> Owners, IReadOnlyList<int> Waiters, IReadOnlyList<ReportStack> TopStacks)
{
    /// <summary>Threads still waiting for the lock when the trace ended.</summary>
    public int StillWaiting { get; init; }
}

public sealed record ReportFindingThread(int ThreadId, string DisplayName, string Role, ulong? WaitsForLock, int? HeldBy,
    string? HeldByName, double SinceMs, IReadOnlyList<string> Frames, string? Primitive = null);

public sealed record ReportFinding(int ProcessId, string Kind, Severity Severity, string Summary, double TimeMs, IReadOnlyList<ReportFindingThread> Threads,
    IReadOnlyList<FindingLock> Locks, IReadOnlyList<string> Details, IReadOnlyDictionary<string, double> Metrics)
{
    /// <summary>A pool starvation's episode, as its detector measured it (null for other findings).</summary>
    public PoolStarvationEpisode? PoolEpisode { get; init; }
}
