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

    /// <summary>At most this many pauses read the stacks (see the budget); the target runs for a moment between them.</summary>
    private const int MaxPauses = 8;
    private static readonly TimeSpan s_betweenPauses = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Reads <paramref name="pid"/> on the calling thread (ptrace requests are only honoured from the thread that stopped
    /// the target). Runs in the snapshot's child process (<see cref="IsolatedSnapshot"/>): the runtime's debugging
    /// library can crash on a process that changes under it, and that must not take the tool down.
    /// <paramref name="afterResume"/> gets the snapshot once every thread runs again, with the attach still open (a
    /// second load of the debugging library in one process is not safe).
    /// </summary>
    public static ProcessSnapshot Read(int pid, SnapshotOptions options, Func<int, string?> osThreadName, bool warmUp,
        Action<DataTarget, ClrRuntime, ProcessSnapshot>? afterResume = null)
    {
        if (pid == Environment.ProcessId)
        {
            throw new TracerUserException("dotnet-tracer cannot snapshot itself");
        }

        if (!OperatingSystem.IsLinux())
        {
            throw new TracerUserException("the snapshot reads a live process through ptrace, which needs Linux; use --dump elsewhere");
        }

        try
        {
            return ReadAttached(pid, options, osThreadName, warmUp, afterResume);
        }
        catch (Exception ex) when (ex is ClrDiagnosticsException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            // ClrMD's words for a process that exited or memory it may not read: one line, not a stack trace
            throw ThreadProgress.IsGone(pid) ? SnapshotCapture.Exited(pid) : new TracerUserException($"cannot read process {pid}: {ex.Message}");
        }
    }

    private static ProcessSnapshot ReadAttached(int pid, SnapshotOptions options, Func<int, string?> osThreadName, bool warmUp,
        Action<DataTarget, ClrRuntime, ProcessSnapshot>? afterResume)
    {
        var total = Stopwatch.StartNew();
        using DataTarget target = Open(pid);
        using ClrRuntime runtime = RuntimeReader.CreateRuntime(target, pid);
        if (warmUp)
        {
            // Reading once while the target runs fills the library's caches: the pause is then 15-25 ms instead of
            // 100-170 ms, but reading stacks that change under it crashes the library about 1 read in 6 (measured).
            RuntimeReader.WarmUp(runtime);
        }

        var pause = Stopwatch.StartNew();
        ProcessSnapshot snapshot;
        int stopped;
        HashSet<int> unread;
        // While the target is frozen, every slice of CPU this thread waits for is pause: ask for more (root only).
        ThreadNice.Set(-10);
        using (ThreadFreezer frozen = Freeze(pid))
        {
            stopped = frozen.Count;
            target.DataReader.FlushCachedData();
            runtime.FlushCachedData(); // anything the DAC read while the target ran is stale
            snapshot = RuntimeReader.Read(runtime, pid, osThreadName, pause, options.PauseBudget, only: null, out unread);
            snapshot = RunReaders(runtime, snapshot, options, pause);
        } // every thread resumes here

        pause.Stop();
        var pauses = new List<double> { pause.Elapsed.TotalMilliseconds };
        // A busy machine can use up the budget before every stack is read: the target runs a moment, then the rest is
        // read in further pauses of at most the budget each (a stuck thread's stack does not change meanwhile).
        while (unread.Count > 0 && pauses.Count < MaxPauses)
        {
            Thread.Sleep(s_betweenPauses);
            var again = Stopwatch.StartNew();
            using (ThreadFreezer frozen = Freeze(pid))
            {
                target.DataReader.FlushCachedData();
                runtime.FlushCachedData();
                ProcessSnapshot rest = RuntimeReader.Read(runtime, pid, osThreadName, again, options.PauseBudget, only: unread, out HashSet<int> stillUnread);
                snapshot = WithStacksOf(snapshot, rest, unread.Except(stillUnread).ToHashSet());
                unread = stillUnread;
            }

            pauses.Add(again.Elapsed.TotalMilliseconds);
        }

        ThreadNice.Set(0);
        if (pauses.Count > 1)
        {
            snapshot = snapshot with
            {
                Notes = [.. snapshot.Notes.Where(n => !n.StartsWith("the stacks of ", StringComparison.Ordinal)),
                    $"the stacks were read in {pauses.Count} pauses (longest {pauses.Max():F0} ms, {pauses.Sum():F0} ms in all): the pause budget of {options.PauseBudget.TotalMilliseconds:0} ms did not fit them all"
                    + (unread.Count > 0 ? $"; the stacks of {unread.Count} threads were still not read" : string.Empty)],
            };
        }

        snapshot = snapshot with
        {
            Method = SnapshotMethods.Attach,
            PauseMs = pauses.Max(),
            CaptureMs = total.Elapsed.TotalMilliseconds,
            Notes = [.. snapshot.Notes, $"{stopped} threads were suspended for {pauses.Max():F0} ms while read"],
        };
        afterResume?.Invoke(target, runtime, snapshot);
        return snapshot;
    }

    /// <summary><paramref name="snapshot"/> with the stacks (and the locks they refer to) of <paramref name="read"/> from <paramref name="rest"/>.</summary>
    private static ProcessSnapshot WithStacksOf(ProcessSnapshot snapshot, ProcessSnapshot rest, HashSet<int> read)
    {
        var later = rest.Threads.Where(t => read.Contains(t.OsThreadId)).ToDictionary(t => t.OsThreadId);
        var locks = snapshot.Locks.ToDictionary(l => l.ObjectId);
        foreach (SnapshotLock l in rest.Locks)
        {
            locks.TryAdd(l.ObjectId, l);
        }

        return snapshot with
        {
            Threads = [.. snapshot.Threads.Select(t => later.TryGetValue(t.OsThreadId, out SnapshotThread? r) ? t with { Frames = r.Frames, Objects = r.Objects } : t)],
            Locks = [.. locks.Values],
        };
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
