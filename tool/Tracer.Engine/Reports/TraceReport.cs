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

    public bool Has(string kind) => Findings.Any(f => f.Kind == kind);

    public static TraceReport Build(TraceModel model, IReadOnlyList<Finding> findings, string? traceFile = null)
    {
        var builder = new ReportBuilder(model);
        return new TraceReport
        {
            TraceFile = traceFile,
            DurationMs = model.DurationMs,
            Events = model.TotalEvents,
            LostEvents = model.LostEvents,
            Bytes = model.TraceBytes,
            Truncated = model.Truncated,
            Notes = [.. model.Notes],
            Processes = [.. model.Processes.Values.OrderBy(p => p.ProcessId).Select(p => new ReportProcess(
                p.ProcessId, TextSanitizer.Clean(p.Name), TextSanitizer.Clean(p.CommandLine), p.ParentProcessId, p.ExitCode))],
            Threads = [.. model.Threads.Values.OrderBy(t => t.ThreadId).Select(builder.Thread)],
            Locks = builder.Locks(),
            Findings = [.. findings.SelectMany(builder.Findings)],
            ThreadPool = ReportThreadPool.From(model.ThreadPool, findings),
        };
    }
}

public sealed record ReportProcess(int ProcessId, string Name, string CommandLine, int? ParentProcessId, int? ExitCode);

public sealed record ReportThread(int ThreadId, int ProcessId, string? Name, string DisplayName, double FirstSeenMs, double LastSeenMs,
    double? ExitedMs, bool PoolWorker, double LockWaitMs, double HandleWaitMs);

public sealed record ReportStack(int Count, IReadOnlyList<string> Frames);

public sealed record ReportLock(ulong LockId, ulong ObjectId, string Name, int Contentions, double TotalWaitMs, double MaxWaitMs,
    double P50WaitMs, double P99WaitMs, IReadOnlyList<int> Owners, IReadOnlyList<int> Waiters, IReadOnlyList<ReportStack> TopStacks);

public sealed record ReportFindingThread(int ThreadId, string DisplayName, string Role, ulong? WaitsForLock, int? HeldBy,
    string? HeldByName, double SinceMs, IReadOnlyList<string> Frames, string? Primitive = null);

public sealed record ReportFinding(string Kind, Severity Severity, string Summary, double TimeMs, IReadOnlyList<ReportFindingThread> Threads,
    IReadOnlyList<FindingLock> Locks, IReadOnlyList<string> Details, IReadOnlyDictionary<string, double> Metrics);
