using System.Diagnostics;
using Microsoft.Diagnostics.Runtime;
using Tracer.Engine.Collect;

namespace Tracer.Engine.Snapshot;

/// <summary>
/// Reads a live process with ClrMD attached to it: the runtime's debugging library (DAC) is loaded while the target
/// runs, then every thread is stopped (<see cref="ThreadFreezer"/>), threads, stacks and locks are read straight from
/// its memory, and every thread resumes. No file is written and no heap is walked, so the pause depends on the number
/// of threads, not on the size of the heap (measured in docs/performance.md).
/// </summary>
internal static class LiveAttach
{
    /// <summary>
    /// The longest one thread may take to stop: it must be scheduled once to do so (a thread in uninterruptible I/O
    /// stops when it returns), which on a saturated machine takes a while. Stopped threads are released on failure.
    /// </summary>
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Reads on a thread of its own: ptrace requests are only honoured from the thread that stopped the target.</summary>
    public static Task<ProcessSnapshot> ReadAsync(int pid, SnapshotOptions options, Func<int, string?> osThreadName)
    {
        if (pid == Environment.ProcessId)
        {
            throw new TracerUserException("dotnet-tracer cannot snapshot itself");
        }

        if (!OperatingSystem.IsLinux())
        {
            throw new TracerUserException("the snapshot reads a live process through ptrace, which needs Linux; use --dump elsewhere");
        }

        var done = new TaskCompletionSource<ProcessSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                done.SetResult(Read(pid, options, osThreadName));
            }
            catch (Exception ex) when (ex is ClrDiagnosticsException or InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                // ClrMD's words for a process that exited or memory it may not read: one line, not a stack trace
                done.SetException(ThreadProgress.IsGone(pid) ? SnapshotCapture.Exited(pid) : new TracerUserException($"cannot read process {pid}: {ex.Message}"));
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        }) { IsBackground = true, Name = "tracer-snapshot" };
        thread.Start();
        return done.Task;
    }

    private static int s_readPid;

    /// <summary>
    /// The target died while ClrMD read it: its reader then throws from inside a callback of the runtime's debugging
    /// library (or from its clean-up on another thread), which no catch can reach, so the last-resort handler asks here
    /// to say it in the user's terms. The pid is kept after the read: the clean-up may throw later.
    /// </summary>
    public static string? ExitedDuringRead() =>
        Volatile.Read(ref s_readPid) is int pid and not 0 && ThreadProgress.IsGone(pid) ? SnapshotCapture.Exited(pid).Message : null;

    private static ProcessSnapshot Read(int pid, SnapshotOptions options, Func<int, string?> osThreadName)
    {
        Volatile.Write(ref s_readPid, pid);
        return ReadAttached(pid, options, osThreadName);
    }

    private static ProcessSnapshot ReadAttached(int pid, SnapshotOptions options, Func<int, string?> osThreadName)
    {
        var total = Stopwatch.StartNew();
        using DataTarget target = Open(pid);
        using ClrRuntime runtime = RuntimeReader.CreateRuntime(target, pid);
        RuntimeReader.WarmUp(runtime);
        var pause = Stopwatch.StartNew();
        ProcessSnapshot snapshot;
        int stopped;
        // While the target is frozen, every slice of CPU this thread waits for is pause: ask for more (root only).
        ThreadNice.Set(-10);
        using (ThreadFreezer frozen = Freeze(pid))
        {
            stopped = frozen.Count;
            target.DataReader.FlushCachedData();
            runtime.FlushCachedData(); // anything the DAC read while the target ran is stale
            snapshot = RuntimeReader.Read(runtime, pid, osThreadName, pause, options.PauseBudget);
            snapshot = RunReaders(runtime, snapshot, options, pause);
        } // every thread resumes here

        pause.Stop();
        ThreadNice.Set(0);
        snapshot = SecondAsyncLook(pid, target, runtime, snapshot, options);
        return snapshot with
        {
            Method = SnapshotMethods.Attach,
            PauseMs = pause.Elapsed.TotalMilliseconds,
            CaptureMs = total.Elapsed.TotalMilliseconds,
            Notes = [.. snapshot.Notes, $"{stopped} threads were suspended for {pause.Elapsed.TotalMilliseconds:F0} ms while read"],
        };
    }

    /// <summary>
    /// Flows queued on a semaphore with no permit free, not proven orphans: after the watch period, a second brief
    /// freeze reads the async state again over the same attach (loading the runtime's debugging library a second time
    /// in one process is not safe), so "nothing released it meanwhile" is seen, not assumed.
    /// </summary>
    private static ProcessSnapshot SecondAsyncLook(int pid, DataTarget target, ClrRuntime runtime, ProcessSnapshot snapshot, SnapshotOptions options)
    {
        if (options.Observe <= TimeSpan.Zero || !Async.AsyncStateReader.NeedsSecondLook(snapshot.Async))
        {
            return snapshot;
        }

        var gap = Stopwatch.StartNew();
        Thread.Sleep(options.Observe); // the target runs meanwhile: this is the time it had to release a permit
        using ThreadFreezer frozen = Freeze(pid);
        target.DataReader.FlushCachedData();
        runtime.FlushCachedData();
        using var budget = new CancellationTokenSource(options.PauseBudget);
        try
        {
            Async.AsyncHeap again = Async.AsyncHeapWalker.Walk(runtime, snapshot.Threads, budget.Token);
            return snapshot with { AsyncSecondLook = again, AsyncLookGapMs = gap.Elapsed.TotalMilliseconds };
        }
        catch (OperationCanceledException)
        {
            return snapshot with { Notes = [.. snapshot.Notes, "the second look at async flows stopped at the pause budget"] };
        }
    }

    /// <summary>Attaches without stopping anything: the DAC's start-up (hundreds of ms) runs while the target does.</summary>
    private static DataTarget Open(int pid)
    {
        try
        {
            return DataTarget.AttachToProcess(pid, suspend: false);
        }
        catch (Exception ex) when (ex is ClrDiagnosticsException or UnauthorizedAccessException or IOException or ArgumentException
            or InvalidOperationException or PlatformNotSupportedException)
        {
            throw ThreadProgress.IsGone(pid) ? SnapshotCapture.Exited(pid)
                : new TracerUserException($"cannot attach to process {pid} ({ProcFs.Name(pid) ?? "?"}) to read its threads: {ex.Message.TrimEnd('.')}");
        }
    }

    private static ThreadFreezer Freeze(int pid) =>
        ThreadProgress.IsGone(pid) ? throw SnapshotCapture.Exited(pid) : ThreadFreezer.Freeze(pid, s_stopTimeout);

    private static ProcessSnapshot RunReaders(ClrRuntime runtime, ProcessSnapshot snapshot, SnapshotOptions options, Stopwatch pause)
    {
        foreach (ISuspendedReader reader in options.Readers)
        {
            TimeSpan left = options.PauseBudget - pause.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                snapshot = snapshot with { Notes = [.. snapshot.Notes, $"{reader.What} not read: the pause budget of {options.PauseBudget.TotalMilliseconds:0} ms was used up"] };
                continue;
            }

            using var budget = new CancellationTokenSource(left);
            try
            {
                snapshot = reader.Read(runtime, snapshot, budget.Token);
            }
            catch (OperationCanceledException)
            {
                snapshot = snapshot with { Notes = [.. snapshot.Notes, $"{reader.What}: stopped at the pause budget of {options.PauseBudget.TotalMilliseconds:0} ms"] };
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // a reader's bug must not leave the target frozen or lose what was read: it becomes a note
                snapshot = snapshot with { Notes = [.. snapshot.Notes, $"{reader.What} could not be read: {ex.Message}"] };
            }
        }

        return snapshot;
    }
}
