using Tracer.HangTargets;

// Usage: Tracer.HangTargets MODE. Each mode prints "blocking: ..." once per thread just before it blocks for good.
return args.FirstOrDefault() switch
{
    "lock-deadlock" => Hangs.LockDeadlock(),
    "lock-leak" => Hangs.LockLeak(),
    "semaphore" => Hangs.Semaphore(),
    "barrier" => Hangs.Barrier(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Tracer.HangTargets lock-deadlock|lock-leak|semaphore|barrier");
    return 2;
}
