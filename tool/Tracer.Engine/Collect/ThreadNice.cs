using System.Runtime.InteropServices;

namespace Tracer.Engine.Collect;

/// <summary>
/// Sets the calling thread's scheduling priority (Linux: each thread has its own nice value). The live decoder runs
/// niced so that on a saturated machine the traced program keeps the CPU and the tracer catches up later (the pump
/// and EventPipe's buffer absorb the lag) — a tracer must stay lighter than the problem it looks at. The snapshot
/// reader does the opposite while the target is frozen (LiveAttach): then its waiting for the CPU is the target's pause.
/// </summary>
internal static partial class ThreadNice
{
    private const int PrioProcess = 0;

    public static void Lower(int nice) => Set(nice);

    /// <summary>Sets the calling thread's nice value; a negative one (more CPU) needs root or CAP_SYS_NICE and is otherwise refused silently.</summary>
    public static void Set(int nice)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = SetPriority(PrioProcess, 0, nice); // who = 0: this thread; failure only means no change
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // not glibc: keep the default priority
        }
    }

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int prio);
}
