using Tracer.HangTargets;

// Usage: Tracer.HangTargets MODE. Each mode prints "blocking: ..." once per thread just before it blocks for good.
// busy-then-deadlock SECONDS: contended lock work for SECONDS, then lock-deadlock (for the flight recorder).
return args.FirstOrDefault() switch
{
    "lock-deadlock" => Hangs.LockDeadlock(),
    "lock-leak" => Hangs.LockLeak(),
    "semaphore" => Hangs.Semaphore(),
    "barrier" => Hangs.Barrier(),
    "busy-then-deadlock" => Hangs.BusyThenDeadlock(double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Tracer.HangTargets lock-deadlock|lock-leak|semaphore|barrier|busy-then-deadlock SECONDS");
    return 2;
}
