using Tracer.Engine.Analysis;
using Tracer.Engine.Model;
using Tracer.Engine.Symbols;

namespace Tracer.Engine.Reports;

/// <summary>Resolves ids in a copy of the model (<see cref="ModelView"/>) to the names and frames a person reads.</summary>
internal sealed class ReportBuilder(ModelView model)
{
    private const int TopStackCount = 3;

    public ReportThread Thread(ThreadView t) => new(
        t.ThreadId, t.ProcessId, t.ShownName is null ? null : TextSanitizer.Clean(t.ShownName), TextSanitizer.Clean(t.DisplayName),
        t.FirstSeenMs, t.LastSeenMs, t.ExitedMs, t.IsPoolWorker, t.LockWaitMs, t.HandleWaitMs)
    {
        State = t.SnapshotState is null ? null : TextSanitizer.Clean(t.SnapshotState),
        Stack = t.SnapshotStackId >= 0 ? Frames(t.SnapshotStackId) : [],
    };

    /// <summary>Contended locks, most total wait first. Waits still open at the trace's end count up to the end (so a
    /// deadlock's locks rank first, not last with 0 ms); locks only the tracer's own counter poller waited for are left out.</summary>
    public IReadOnlyList<ReportLock> Locks()
    {
        var open = new Dictionary<ulong, (int Count, double TotalMs, double MaxMs)>();
        foreach ((int tid, LockWait w) in model.OpenLockWaits)
        {
            double ms = Math.Max(0, model.EndMs - w.SinceMs);
            (int count, double total, double max) = open.GetValueOrDefault(w.LockId);
            open[w.LockId] = (count + 1, total + ms, Math.Max(max, ms));
        }

        return
        [
            .. model.Locks.Values
                .Where(l => !IsTracersOwn(l))
                .Select(l => (Lock: l, Open: open.GetValueOrDefault(l.LockId)))
                .OrderByDescending(x => x.Lock.TotalWaitNs / 1e6 + x.Open.TotalMs)
                .ThenByDescending(x => x.Lock.Contentions)
                .Select(x => new ReportLock(
                    MainProcessId, x.Lock.LockId, x.Lock.ObjectId, LockName(x.Lock), x.Lock.Contentions, x.Lock.TotalWaitNs / 1e6 + x.Open.TotalMs,
                    Math.Max(x.Lock.MaxWaitNs / 1e6, x.Open.MaxMs), x.Lock.PercentileWaitNs(50) / 1e6, x.Lock.PercentileWaitNs(99) / 1e6,
                    [.. x.Lock.Owners.OrderByDescending(kv => kv.Value).Select(kv => kv.Key)],
                    [.. x.Lock.Waiters.OrderByDescending(kv => kv.Value).Select(kv => kv.Key)],
                    [.. x.Lock.WaitStacks.OrderByDescending(kv => kv.Value).Take(TopStackCount).Select(kv => new ReportStack(kv.Value, Frames(kv.Key)))])
                { StillWaiting = x.Open.Count }),
        ];
    }

    /// <summary>A lock only the runtime's counter poller (working for the tracer's session) waited for.</summary>
    private bool IsTracersOwn(LockInfo l) =>
        l.Waiters.Keys.All(model.InstrumentationThreads.Contains)
        || (l.WaitStacks.Count > 0 && l.WaitStacks.Keys.All(stack => WaitClassifier.IsCounterPoller(model.Resolver.Resolve(stack))));

    /// <summary>A finding as rendered.</summary>
    public IEnumerable<ReportFinding> Findings(Finding f)
    {
        ReportFinding rendered = Finding(f);
        if (model.LostEvents > 0 && f.Kind is FindingKinds.Deadlock or FindingKinds.Hang)
        {
            // A dropped ContentionStop or WaitStop looks exactly like a wait that never ended.
            rendered = rendered with
            {
                Details = [.. rendered.Details, $"EventPipe dropped {model.LostEvents:N0} events in this trace: a lost release or wake-up would look like this; confirm with `dotnet-tracer snapshot` while the process runs"],
            };
        }

        return [rendered];
    }

    public ReportFinding Finding(Finding f)
    {
        List<ReportFindingThread> threads = [.. f.Threads.Select(t =>
        {
            IReadOnlyList<string> frames = Frames(t.StackId);
            string? primitive = t.StackId >= 0 ? WaitClassifier.Primitive(frames) : null;
            return new ReportFindingThread(
                t.ThreadId, Name(t.ThreadId), t.Role, t.WaitsForLock, t.HeldBy, t.HeldBy is int h ? Name(h) : null, t.SinceMs, frames, primitive);
        })];
        return new ReportFinding(
            f.Threads.Select(t => t.ProcessId).FirstOrDefault(pid => pid != 0, MainProcessId), f.Kind, f.Severity, TextSanitizer.Clean(f.Summary), f.TimeMs, threads,
            [.. f.Locks.Select(l => l with { Name = l.Name ?? LockNameById(l.LockId) })],
            [.. f.Details.Select(TextSanitizer.Clean)], f.Metrics)
        { PoolEpisode = f.PoolEpisode };
    }

    /// <summary>A lock named the way a person recognises it: where it is taken, from its most common waiting stack. That
    /// is the innermost user frame when the program takes the lock itself; a framework lock (a logger's queue) is named
    /// by the framework method that takes it, then the user frame it was called from, so it is not taken for the
    /// program's own lock.</summary>
    public string LockName(LockInfo l)
    {
        string where = l.WaitStacks.OrderByDescending(kv => kv.Value)
            .Select(kv => Taker(model.Resolver.Resolve(kv.Key)))
            .FirstOrDefault(f => f is not null) ?? "unknown code";
        return TextSanitizer.Clean($"lock 0x{l.LockId:x} in {where}");
    }

    /// <summary>The code that takes the lock: the first frame out of the lock's own machinery.</summary>
    private static string? Taker(IReadOnlyList<string> frames)
    {
        string? taker = frames.FirstOrDefault(f => !IsLockMachinery(f) && !f.StartsWith("0x", StringComparison.Ordinal));
        if (taker is null || !StackResolver.IsFrameworkFrame(taker))
        {
            return taker;
        }

        string? user = frames.FirstOrDefault(f => !StackResolver.IsFrameworkFrame(f));
        return user is null ? taker : $"{taker} (called from {user})";
    }

    private static bool IsLockMachinery(string frame) =>
        frame.StartsWith("System.Threading.Monitor", StringComparison.Ordinal)
        || frame.StartsWith("System.Threading.Lock.", StringComparison.Ordinal)
        || frame.StartsWith("System.Threading.ObjectNative", StringComparison.Ordinal)
        || frame.StartsWith("System.Threading.Thread.", StringComparison.Ordinal);

    /// <summary>The process this model is about (the first one it knows).</summary>
    public int MainProcessId => model.Processes.Keys.DefaultIfEmpty(0).First();

    private string LockNameById(ulong lockId) =>
        model.Locks.TryGetValue(lockId, out LockInfo? l) ? LockName(l) : $"lock 0x{lockId:x}";

    private string Name(int threadId) => TextSanitizer.Clean(model.ThreadName(threadId));

    private IReadOnlyList<string> Frames(int stackId) => [.. model.Resolver.ResolveWithLines(stackId).Select(TextSanitizer.Clean)];
}
