using Tracer.Engine.Events;

namespace Tracer.Engine.Model;

/// <summary>
/// The CPU samples of a trace (Microsoft-DotNETCore-SampleProfiler, when enabled), per thread: how often each thread
/// was sampled, how often in managed code (running or ready to run) rather than external code (native: blocked in a
/// wait, Thread.Sleep, a syscall), its last sampled stack, and which stacks it was seen in. The one place other
/// analyses read samples from (e.g. the stack of a pool thread that blocks in Thread.Sleep, which emits no event).
/// </summary>
public sealed class CpuSamples
{
    private readonly Dictionary<int, ThreadSamples> _threads = new();

    /// <summary>Samples in the trace, all threads.</summary>
    public long Count { get; private set; }

    /// <summary>Of those, the samples taken in managed code (0 on .NET 9 and early .NET 10 builds, whose sampler marked
    /// every sample external: dotnet/runtime#123996).</summary>
    public long ManagedCount { get; private set; }

    public IReadOnlyDictionary<int, ThreadSamples> Threads => _threads;

    /// <summary>The samples of <paramref name="threadId"/>, or null when it was never sampled.</summary>
    public ThreadSamples? Of(int threadId) => _threads.GetValueOrDefault(threadId);

    internal void Add(in TraceRecord e)
    {
        if (!_threads.TryGetValue(e.ThreadId, out ThreadSamples? thread))
        {
            thread = new ThreadSamples(e.ThreadId, e.TimeMs);
            _threads.Add(e.ThreadId, thread);
        }

        thread.Add(e.TimeMs, e.InManagedCode, e.StackId);
        Count++;
        if (e.InManagedCode)
        {
            ManagedCount++;
        }
    }
}

/// <summary>One thread's CPU samples.</summary>
public sealed class ThreadSamples(int threadId, double firstMs)
{
    private readonly Dictionary<int, int> _stacks = new();

    public int ThreadId { get; } = threadId;
    public double FirstMs { get; } = firstMs;
    public double LastMs { get; private set; } = firstMs;
    public int Count { get; private set; }
    /// <summary>Samples in managed code: on a CPU, or ready to run. The rest were in native code (blocked or in a syscall).</summary>
    public int ManagedCount { get; private set; }
    /// <summary>The stack of the most recent sample (what the thread is doing now), -1 if none.</summary>
    public int LastStackId { get; private set; } = -1;
    public bool LastInManagedCode { get; private set; }

    /// <summary>Stacks the thread was sampled in, most samples first.</summary>
    public IReadOnlyList<(int StackId, int Samples)> TopStacks(int count) =>
        [.. _stacks.OrderByDescending(s => s.Value).ThenBy(s => s.Key).Take(count).Select(s => (s.Key, s.Value))];

    internal void Add(double timeMs, bool managed, int stackId)
    {
        LastMs = timeMs;
        Count++;
        if (managed)
        {
            ManagedCount++;
        }

        LastInManagedCode = managed;
        LastStackId = stackId;
        if (stackId >= 0)
        {
            _stacks[stackId] = _stacks.GetValueOrDefault(stackId) + 1;
        }
    }
}
