using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Tracer.Engine.Snapshot;

/// <summary>
/// Stops every thread of a Linux process with ptrace (PTRACE_SEIZE + PTRACE_INTERRUPT per thread: no SIGSTOP is sent,
/// so neither the process nor its parent or shell sees a stop) and resumes them on dispose, re-delivering any signal
/// that arrived meanwhile. ClrMD's own suspend stops only the main thread (one PTRACE_ATTACH on the pid), which
/// leaves the others running while their stacks are read. Every ptrace call must come from the thread that seized:
/// freeze, read and thaw on one thread.
/// </summary>
internal sealed partial class ThreadFreezer : IDisposable
{
    private const int PtraceDetach = 17;
    private const int PtraceSeize = 0x4206;
    private const int PtraceInterrupt = 0x4207;
    private const int WaitAll = 0x40000000; // __WALL: threads, not only child processes
    private const int NoHang = 1;
    private const int EventStop = 128; // PTRACE_EVENT_STOP: the stop PTRACE_INTERRUPT asked for
    private const int ErrNoSuchProcess = 3;
    private const int ErrPermission = 1;

    /// <summary>The signal to re-deliver on detach (0 for none), by thread.</summary>
    private readonly Dictionary<int, int> _stopped = [];
    private readonly int _owner = Environment.CurrentManagedThreadId;

    private ThreadFreezer()
    {
    }

    /// <summary>Threads that are stopped now.</summary>
    public int Count => _stopped.Count;

    /// <summary>Stops all threads, also those started while stopping; throws <see cref="TracerUserException"/> when it cannot.</summary>
    /// <param name="timeout">The longest to wait for one thread to stop (one in uninterruptible I/O stops when it returns).</param>
    public static ThreadFreezer Freeze(int pid, TimeSpan timeout)
    {
        var freezer = new ThreadFreezer();
        try
        {
            bool added = true;
            for (int round = 0; added && round < 10; round++)
            {
                added = false;
                // All are asked first, then waited for: they stop in parallel, not one scheduling round each.
                int[] seized = [.. Tasks(pid).Where(t => !freezer._stopped.ContainsKey(t) && freezer.Seize(pid, t))];
                foreach (int tid in seized)
                {
                    added |= freezer.WaitStopped(pid, tid, timeout);
                }
            }

            return freezer;
        }
        catch
        {
            freezer.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Debug.Assert(Environment.CurrentManagedThreadId == _owner, "ptrace requests only work from the tracing thread");
        foreach ((int tid, int signal) in _stopped)
        {
            _ = Ptrace(PtraceDetach, tid, 0, signal); // a thread that exited meanwhile has nothing to resume
        }

        _stopped.Clear();
    }

    /// <summary>Seizes a thread and asks it to stop; false when it exited meanwhile.</summary>
    private bool Seize(int pid, int tid)
    {
        if (Ptrace(PtraceSeize, tid, 0, 0) < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return errno == ErrNoSuchProcess ? false // it exited between listing and seizing
                : throw new TracerUserException(errno == ErrPermission
                    ? $"cannot suspend process {pid}: ptrace was refused (it needs the same user as the target or CAP_SYS_PTRACE, no other debugger attached, and kernel.yama.ptrace_scope 0 or 1)"
                    : $"cannot suspend process {pid}: ptrace failed on thread {tid} (errno {errno})");
        }

        _stopped[tid] = 0;
        _ = Ptrace(PtraceInterrupt, tid, 0, 0);
        return true;
    }

    private bool WaitStopped(int pid, int tid, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            int got = WaitPid(tid, out int status, WaitAll | NoHang);
            if (got == tid)
            {
                bool signalStop = (status & 0xff) == 0x7f && (status >> 16) != EventStop;
                if ((status & 0x7f) != 0 && (status & 0xff) != 0x7f)
                {
                    _stopped.Remove(tid); // killed meanwhile
                    return false;
                }

                _stopped[tid] = signalStop ? (status >> 8) & 0xff : 0; // a signal that arrived: give it back on detach
                return true;
            }

            if (got < 0)
            {
                _stopped.Remove(tid); // gone
                return false;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TracerUserException($"cannot suspend process {pid}: thread {tid} did not stop within {timeout.TotalMilliseconds:0} ms (in uninterruptible I/O?); nothing was read");
            }

            Thread.Sleep(1); // rare: a thread in a system call that must end first
        }
    }

    private static IEnumerable<int> Tasks(int pid)
    {
        try
        {
            return [.. Directory.EnumerateDirectories($"/proc/{pid}/task").Select(Path.GetFileName).Select(n => int.TryParse(n, out int t) ? t : 0).Where(t => t > 0)];
        }
        catch (DirectoryNotFoundException)
        {
            throw SnapshotCapture.Exited(pid);
        }
    }

    [LibraryImport("libc", EntryPoint = "ptrace", SetLastError = true)]
    private static partial long Ptrace(long request, int pid, nint address, nint data);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static partial int WaitPid(int pid, out int status, int options);
}
