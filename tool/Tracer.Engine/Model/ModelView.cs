using Tracer.Engine.Symbols;

namespace Tracer.Engine.Model;

/// <summary>
/// A copy of what a report reads from a <see cref="TraceModel"/> (<see cref="Reports.TraceReport"/>), taken in one pass.
/// On a live model it is taken under the analyzer's lock and the report is built from it outside, so the decoder
/// waits only for the copy: counters and lists are copied, stacks and method names are shared where they never change.
/// Nothing reads the model through it afterwards.
/// </summary>
public sealed class ModelView
{
    private ModelView(TraceModel model)
    {
        TotalEvents = model.TotalEvents;
        LostEvents = model.LostEvents;
        TraceBytes = model.TraceBytes;
        StartMs = model.StartMs;
        EndMs = model.EndMs;
        Truncated = model.Truncated;
        Notes = [.. model.Notes];
        // Copied in the model's order: the report's order of processes and of equal-ranked locks follows it.
        Processes = CopyInOrder(model.Processes, p => p.Copy());
        Threads = CopyInOrder(model.Threads, t => new ThreadView(t));
        Locks = CopyInOrder(model.Locks, l => l.Copy());
        OpenLockWaits = [.. model.Waits.LockWaits()];
        InstrumentationThreads = model.Waits.InstrumentationThreads().ToHashSet();
        ThreadPool = model.ThreadPool.Copy();
        Resolver = new StackResolver(model.Stacks.CopyForReading(), model.Methods.Copy()) { Lines = model.Resolver.Lines };
    }

    /// <summary>Copies what a report needs; the caller holds the analyzer's lock when the model is still being written.</summary>
    public static ModelView Of(TraceModel model) => new(model);

    public long TotalEvents { get; }
    public long LostEvents { get; }
    public long TraceBytes { get; }
    public double StartMs { get; }
    public double EndMs { get; }
    public double DurationMs => double.IsNaN(StartMs) ? 0 : EndMs - StartMs;
    public bool Truncated { get; }
    public IReadOnlyList<string> Notes { get; }
    public IReadOnlyDictionary<int, ProcessInfo> Processes { get; }
    public IReadOnlyDictionary<int, ThreadView> Threads { get; }
    public IReadOnlyDictionary<ulong, LockInfo> Locks { get; }
    /// <summary>Lock waits still open when the copy was taken, by waiting thread.</summary>
    public IReadOnlyList<KeyValuePair<int, LockWait>> OpenLockWaits { get; }
    /// <summary>The runtime's own instrumentation threads (<see cref="WaitTracker.IsInstrumentation"/>).</summary>
    public IReadOnlySet<int> InstrumentationThreads { get; }
    public ThreadPoolStats ThreadPool { get; }
    public StackResolver Resolver { get; }

    public string ThreadName(int threadId) => Threads.TryGetValue(threadId, out ThreadView? t) ? t.DisplayName : $"tid {threadId}";

    private static Dictionary<TKey, TCopy> CopyInOrder<TKey, TValue, TCopy>(Dictionary<TKey, TValue> source, Func<TValue, TCopy> copy)
        where TKey : notnull
    {
        var result = new Dictionary<TKey, TCopy>(source.Count);
        foreach ((TKey key, TValue value) in source)
        {
            result.Add(key, copy(value));
        }

        return result;
    }
}
