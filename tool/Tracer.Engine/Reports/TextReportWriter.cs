using System.Globalization;
using Tracer.Engine.Analysis;

namespace Tracer.Engine.Reports;

/// <summary>The report for people: what is wrong first, then the evidence, then the tables.</summary>
public static class TextReportWriter
{
    private const int MaxFrames = 12;

    // A finding shows the stacks of its largest groups while they fit in this many lines (and one more naming the rest),
    // so a report with a few findings stays within two screens; the JSON report has every thread's stack.
    private const int MaxStackLines = 42;

    /// <param name="allStacks">Also every thread's snapshot stack, grouped (<see cref="TextStackGroups"/>).</param>
    public static void Write(TraceReport report, TextWriter w, bool allStacks = false)
    {
        CultureInfo previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            WriteHeader(report, w);
            WriteFindings(report, w);
            WriteLocks(report, w);
            WriteThreadPool(report, w);
            if (allStacks)
            {
                TextStackGroups.Write(report, w);
            }

            WriteNotes(report, w);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    private static void WriteHeader(TraceReport report, TextWriter w)
    {
        var pids = report.Processes.Select(p => p.ProcessId).ToHashSet();
        foreach (ReportProcess p in report.Processes)
        {
            string exit = p.ExitCode is int code ? $", exit code {code}" : string.Empty;
            string indent = p.ParentProcessId is int parent && pids.Contains(parent) ? "  └ " : string.Empty;
            w.WriteLine($"{indent}process {p.ProcessId}: {(p.CommandLine.Length > 0 ? p.CommandLine : p.Name)}{exit}");
        }

        string file = report.TraceFile is null ? string.Empty : $"  [{TextSanitizer.Clean(report.TraceFile)}]";
        w.WriteLine($"trace: {report.DurationMs / 1000:F2} s, {report.Events:N0} events ({report.LostEvents:N0} lost), {report.Bytes / 1024.0:N0} KiB, {report.Threads.Count} threads{file}");
        w.WriteLine();
    }

    private static void WriteFindings(TraceReport report, TextWriter w)
    {
        if (report.Findings.Count == 0)
        {
            w.WriteLine("No problems found.");
            w.WriteLine();
            return;
        }

        w.WriteLine($"FINDINGS ({report.Findings.Count})");
        foreach (ReportFinding f in report.Findings)
        {
            string where = report.Processes.Count > 1 ? $" [pid {f.ProcessId}]" : string.Empty;
            w.WriteLine($"  {f.Kind.ToUpperInvariant()}{where}: {f.Summary} (at {f.TimeMs / 1000:F2} s)");
            IReadOnlyList<ThreadGroup> groups = ThreadGroups.Of(f.Threads);
            foreach (ThreadGroup g in groups)
            {
                w.WriteLine($"    {Describe(g, f)}");
            }

            foreach (string detail in f.Details)
            {
                w.WriteLine($"    {detail}");
            }

            List<ThreadGroup> withStacks = groups.Where(g => g.First.Frames.Count > 0).ToList();
            List<ThreadGroup> shown = StacksThatFit(withStacks);
            foreach (ThreadGroup g in shown.OrderBy(withStacks.IndexOf))
            {
                w.WriteLine(g.Count == 1 ? $"    stack of {g.First.DisplayName}:" : $"    stack of {g.Count} threads ({ThreadGroups.Names(g)}):");
                foreach (string frame in g.First.Frames.Take(MaxFrames))
                {
                    w.WriteLine($"      {frame}");
                }

                if (g.First.Frames.Count > MaxFrames)
                {
                    w.WriteLine($"      ... {g.First.Frames.Count - MaxFrames} more frames");
                }
            }

            if (withStacks.Count > shown.Count)
            {
                int more = withStacks.Count - shown.Count;
                w.WriteLine($"    ... stacks of {more} more {(more == 1 ? "group" : "groups")} in the JSON report (--format json)");
            }

            w.WriteLine();
        }
    }

    /// <summary>The largest groups, biggest first, while their stacks fit in <see cref="MaxStackLines"/> (one stack costs at most 14).</summary>
    private static List<ThreadGroup> StacksThatFit(List<ThreadGroup> withStacks)
    {
        var shown = new List<ThreadGroup>();
        int lines = 0;
        foreach (ThreadGroup g in withStacks.OrderByDescending(g => g.Count))
        {
            int cost = 1 + Math.Min(g.First.Frames.Count, MaxFrames) + (g.First.Frames.Count > MaxFrames ? 1 : 0);
            if (lines + cost > MaxStackLines)
            {
                break;
            }

            shown.Add(g);
            lines += cost;
        }

        return shown;
    }

    private static string Describe(ThreadGroup g, ReportFinding f)
    {
        if (g.Count == 1)
        {
            return Describe(g.First, f);
        }

        ReportFindingThread t = g.First;
        string where = g.Where is { } frame ? $" in {frame}" : string.Empty;
        string what = t.WaitsForLock is ulong lockId
            ? $"wait for {f.Locks.FirstOrDefault(l => l.LockId == lockId)?.Name ?? $"lock 0x{lockId:x}"}, held by {t.HeldByName ?? "an unknown holder"}"
            : t.Primitive is null ? $"({t.Role})" : $"→ {t.Primitive} ({t.Role})";
        return $"{g.Count} threads{where} {what}: {ThreadGroups.Names(g)}";
    }

    private static string Describe(ReportFindingThread t, ReportFinding f)
    {
        if (t.WaitsForLock is ulong lockId)
        {
            string lockName = f.Locks.FirstOrDefault(l => l.LockId == lockId)?.Name ?? $"lock 0x{lockId:x}";
            string holder = t.HeldByName is null ? "an unknown holder" : t.HeldByName;
            return $"{t.DisplayName} waits for {lockName}, held by {holder}";
        }

        return t.Primitive is null ? $"{t.DisplayName} {t.Role}" : $"{t.DisplayName} {t.Role} in {t.Primitive}";
    }

    private static void WriteLocks(TraceReport report, TextWriter w)
    {
        if (report.Locks.Count == 0)
        {
            return;
        }

        w.WriteLine("CONTENDED LOCKS (by total wait)");
        w.WriteLine($"  {"contentions",11} {"total ms",10} {"max ms",9} {"p50 ms",9} {"p99 ms",9}  lock");
        foreach (ReportLock l in report.Locks.Take(10))
        {
            string still = l.StillWaiting > 0 ? $"  ({l.StillWaiting} still waiting at the end)" : string.Empty;
            w.WriteLine($"  {l.Contentions,11:N0} {l.TotalWaitMs,10:F1} {l.MaxWaitMs,9:F1} {l.P50WaitMs,9:F1} {l.P99WaitMs,9:F1}  {l.Name}{still}");
            if (l.Owners.Count > 0)
            {
                w.WriteLine($"  {string.Empty,11} owners seen: {string.Join(", ", l.Owners.Take(5).Select(o => $"tid {o}"))}; {l.Waiters.Count} waiting threads");
            }
        }

        if (report.Locks.Count > 10)
        {
            w.WriteLine($"  ... {report.Locks.Count - 10} more");
        }

        w.WriteLine();
    }

    private static void WriteThreadPool(TraceReport report, TextWriter w)
    {
        if (report.ThreadPool is not { } pool || (pool.Adjustments == 0 && pool.Counters.Count == 0))
        {
            return;
        }

        w.WriteLine("THREAD POOL");
        w.WriteLine($"  up to {pool.MaxWorkerThreads} workers; {pool.Adjustments} adjustments, {pool.InjectionsForStarvation + pool.InjectionsForBlocking} of them for starvation "
            + $"({pool.InjectionsForStarvation} because queued work made no progress, {pool.InjectionsForBlocking} for pool threads blocked in Task.Wait/.Result)");
        foreach (ReportStarvationPeriod p in pool.StarvationPeriods)
        {
            w.WriteLine($"  starved {p.StartMs / 1000:F2}-{(p.StartMs + p.DurationMs) / 1000:F2} s: {p.ThreadsInjected} threads injected, {p.BlockedPoolThreads} pool threads blocked{(p.Recovered ? ", recovered" : string.Empty)}");
        }

        foreach (string name in new[] { "threadpool-queue-length", "threadpool-thread-count", "monitor-lock-contention-count" })
        {
            if (pool.Counters.TryGetValue(name, out ReportCounter? c))
            {
                w.WriteLine($"  {name}: max {c.Max:N0}, last {c.Last:N0} ({c.Samples.Count} samples)");
            }
        }

        w.WriteLine();
    }

    private static void WriteNotes(TraceReport report, TextWriter w)
    {
        if (report.Notes.Count == 0)
        {
            return;
        }

        w.WriteLine("NOTES");
        foreach (string note in report.Notes)
        {
            w.WriteLine($"  {TextSanitizer.Clean(note)}");
        }
    }
}
