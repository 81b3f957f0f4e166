using Tracer.Engine.Events;
using Tracer.Engine.Model;

namespace Tracer.Engine.Analysis;

/// <summary>
/// What each thread-pool worker is doing, as far as the trace shows: idle (waiting for work), blocked in a traced wait
/// or contended lock (with the wait's stack), or running a work item outside any traced wait (busy, sleeping, spinning).
/// <para>
/// A thread is a pool worker when it emits a worker event (start, wait, stop, dequeue), or when it blocks with a stack
/// a known worker blocked with: a stack id is the whole call chain, thread-start frame included, so a worker that
/// existed before the session attached is recognised by its first wait.
/// </para>
/// </summary>
internal sealed class PoolThreadTracker
{
    private readonly HashSet<int> _workers = [];
    private readonly HashSet<int> _idle = [];
    private readonly HashSet<int> _poolStacks = [];
    /// <summary>Threads not yet known as workers, blocked in a wait with a stack: workers once a worker blocks there too.</summary>
    private readonly Dictionary<int, BlockedWorker> _unknownBlocked = new();

    /// <summary>Workers blocked in a traced wait now: the wait's stack, start and process.</summary>
    public Dictionary<int, BlockedWorker> Blocked { get; } = new();

    /// <summary>CPU samples of each worker taken while it ran a work item, so a busy or sleeping worker can be shown
    /// where it spends its time (its last sample may be the moment it finished a request).</summary>
    private readonly Dictionary<int, ThreadSamples> _busySamples = new();

    /// <summary>Workers running a work item now (not idle, not in a traced wait).</summary>
    public IEnumerable<int> Running => _workers.Where(t => !_idle.Contains(t) && !Blocked.ContainsKey(t));

    /// <summary>Workers that blocked with the last record applied (a worker, or waiters recognised by its stack).</summary>
    public List<int> JustBlocked { get; } = [];

    /// <summary>Applies one record; <see cref="JustBlocked"/> says who blocked with it.</summary>
    public void Apply(in TraceRecord e)
    {
        JustBlocked.Clear();
        if (_unknownBlocked.Count > 0 && e.Kind is not TraceEventKind.WaitStart)
        {
            _unknownBlocked.Remove(e.ThreadId);
        }

        switch (e.Kind)
        {
            case TraceEventKind.PoolWorkerWait:
                _workers.Add(e.ThreadId);
                _idle.Add(e.ThreadId); // the pool's own wait for work emits no WaitStart: the next one is the work's
                Blocked.Remove(e.ThreadId);
                break;
            case TraceEventKind.TaskEvent when _idle.Contains(e.ThreadId):
                _idle.Remove(e.ThreadId); // it runs a task again
                break;
            case TraceEventKind.PoolWorkerStart or TraceEventKind.PoolDequeue:
                _workers.Add(e.ThreadId);
                _idle.Remove(e.ThreadId);
                Blocked.Remove(e.ThreadId);
                break;
            case TraceEventKind.ThreadExited:
                _busySamples.Remove(e.ThreadId); // its id may be reused
                goto case TraceEventKind.PoolWorkerStop;
            case TraceEventKind.PoolWorkerStop:
                _workers.Remove(e.ThreadId);
                _idle.Remove(e.ThreadId);
                Blocked.Remove(e.ThreadId);
                break;
            case TraceEventKind.ContentionStart when _workers.Contains(e.ThreadId):
                _idle.Remove(e.ThreadId);
                Blocked[e.ThreadId] = new BlockedWorker(e.StackId, e.TimeMs, e.ProcessId, OnLock: true);
                JustBlocked.Add(e.ThreadId);
                break;
            case TraceEventKind.ContentionStop:
                Blocked.Remove(e.ThreadId);
                break;
            case TraceEventKind.WaitStart or TraceEventKind.WaitStop when Blocked.TryGetValue(e.ThreadId, out BlockedWorker held) && held.OnLock:
                break; // the lock's own waits inside its contention
            case TraceEventKind.WaitStart when e.StackId >= 0:
                _idle.Remove(e.ThreadId);
            {
                var wait = new BlockedWorker(e.StackId, e.TimeMs, e.ProcessId);
                if (_workers.Contains(e.ThreadId))
                {
                    if (_poolStacks.Add(e.StackId))
                    {
                        PromoteWaitersOn(e.StackId);
                    }
                }
                else if (_poolStacks.Contains(e.StackId))
                {
                    _workers.Add(e.ThreadId);
                }
                else
                {
                    _unknownBlocked[e.ThreadId] = wait;
                    break;
                }

                Blocked[e.ThreadId] = wait;
                JustBlocked.Add(e.ThreadId);
                break;
            }

            case TraceEventKind.WaitStop:
                Blocked.Remove(e.ThreadId);
                break;
        }

    }

    /// <summary>A CPU sample of a thread (SampleProfiler, managed or external code): kept for running workers.
    /// The detector routes sample records here once the decoder produces them.</summary>
    public void OnSample(in TraceRecord e)
    {
        if (e.StackId >= 0 && _workers.Contains(e.ThreadId) && !_idle.Contains(e.ThreadId) && !Blocked.ContainsKey(e.ThreadId))
        {
            if (!_busySamples.TryGetValue(e.ThreadId, out ThreadSamples? samples))
            {
                samples = new ThreadSamples(e.ThreadId, e.TimeMs);
                _busySamples.Add(e.ThreadId, samples);
            }

            samples.Add(e.TimeMs, e.InManagedCode, e.StackId);
        }
    }

    /// <summary>The stack a worker was sampled in most often while it ran work items, -1 when never sampled so.</summary>
    public int BusyStackOf(int threadId) =>
        _busySamples.TryGetValue(threadId, out ThreadSamples? samples) && samples.TopStacks(1) is [var top] ? top.StackId : -1;

    /// <summary>Threads already blocked where a worker now blocks were workers too (e.g. blocked before the session attached).</summary>
    private void PromoteWaitersOn(int stackId)
    {
        foreach ((int tid, BlockedWorker wait) in _unknownBlocked.Where(u => u.Value.StackId == stackId).ToList())
        {
            _unknownBlocked.Remove(tid);
            _workers.Add(tid);
            Blocked[tid] = wait;
            JustBlocked.Add(tid);
        }
    }
}

/// <summary>A pool worker's traced wait: where (stack), since when, in which process, and whether it waits for a lock.</summary>
internal readonly record struct BlockedWorker(int StackId, double SinceMs, int ProcessId, bool OnLock = false);
