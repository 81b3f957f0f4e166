using Tracer.HangTargets;
using Tracer.HangTargets.Async;

// Usage: Tracer.HangTargets MODE. Each hang mode prints "blocking: ..." once per thread just before it blocks for good;
// busy-then-deadlock SECONDS: contended lock work for SECONDS, then lock-deadlock (for the flight recorder);
// spin: a thread spinning next to busy and sleeping ones; gc-pause [MILLIONS]: forced full GCs of a big heap;
// async-* [--fixed]: async hangs that block no thread (and, with --fixed, their healthy twins);
// big-heap [GB]: a healthy process with a large heap and a heartbeat that reports its longest stall (a line on stdin);
// thread-states: named threads in distinct states until a line on stdin;
// convoy [THREADS] is a high event rate until a line on stdin; exit and crash end after a burst of contention.
// TRACER_BALLAST_MB=N keeps about N MiB of small live objects on the heap (to time the snapshot's heap walk).
Ballast.Allocate(Environment.GetEnvironmentVariable("TRACER_BALLAST_MB"));

return args.FirstOrDefault() switch
{
    "lock-deadlock" => Hangs.LockDeadlock(),
    "lock-leak" => Hangs.LockLeak(),
    "semaphore" => Hangs.Semaphore(),
    "barrier" => Hangs.Barrier(),
    "shutdown-wait" => Hangs.ShutdownWaitBesideAHang(),
    "busy-then-deadlock" => Hangs.BusyThenDeadlock(double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture)),
    "big-heap" => BigHeap.Run(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2),
    "thread-states" => ThreadStates.Run(),
    "exit" => Convoy.Burst(crash: false),
    "crash" => Convoy.Burst(crash: true),
    "spin" => Signals.Spin(),
    "gc-pause" => Signals.GcPause(args.Length > 1 && int.TryParse(args[1], out int millions) && millions > 0 ? millions : 6),
    "async-semaphore-leak" => AsyncHangs.SemaphoreLeak(Fixed(args)),
    "async-tcs" => AsyncHangs.CompletionNeverSet(Fixed(args)),
    "async-channel" => AsyncHangs.ChannelWriterDied(Fixed(args)),
    "async-cycle" => AsyncHangs.SemaphoreCycle(Fixed(args)),
    "async-sync-context" => SyncOverAsyncHangs.SingleThreadedContext(Fixed(args)),
    "async-di" => SyncOverAsyncHangs.DependencyInjectionScope(Fixed(args)),
    "convoy" => Convoy.Run(args.Length > 1 && int.TryParse(args[1], out int threads) && threads > 0 ? threads : 16),
    _ => Usage(),
};

static bool Fixed(string[] args) => args.Skip(1).Contains("--fixed");

static int Usage()
{
    Console.Error.WriteLine("usage: Tracer.HangTargets lock-deadlock|lock-leak|semaphore|barrier|busy-then-deadlock SECONDS|big-heap [GB]|thread-states|spin|gc-pause [MILLIONS]|async-semaphore-leak|async-tcs|async-channel|async-cycle|async-sync-context|async-di [--fixed]|convoy [THREADS]|exit|crash");
    return 2;
}
