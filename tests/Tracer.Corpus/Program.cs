using Tracer.Corpus;
using Tracer.Corpus.Healthy;
using Tracer.Corpus.Sick;

// Usage: Tracer.Corpus PROGRAM [--seconds N]. Each program prints "ready" once it serves (or works), runs for N seconds
// (default 24: longer than every threshold of the tracer, with idle stretches), then stops cleanly and exits 0.
// The sick ones misbehave within a few seconds and run until N seconds have passed (the deadlock one until killed).
var options = CorpusOptions.Parse(args.Skip(1));
return args.FirstOrDefault() switch
{
    "minimal-api" => MinimalApi.Run(options),
    "controllers" => ControllerApp.Run(options),
    "worker" => await ChannelWorker.RunAsync(options),
    "batch" => BatchJob.Run(options),
    "console-service" => await ConsoleService.RunAsync(options),
    "idle-consumer" => IdleConsumer.Run(options),
    "signalled-worker" => SignalledWorker.Run(options),
    "read-mostly-cache" => ReadMostlyCache.Run(options),
    "throttled-fan-out" => await ThrottledFanOut.RunAsync(options),
    "parallel-tally" => ParallelTally.Run(options),
    "http-gateway" => HttpGateway.Run(options),
    "process-supervisor" => await ProcessSupervisor.RunAsync(options),
    "child-worker" => ProcessSupervisor.RunChild(options),
    "lost-pulse" => LostPulseApp.Run(options),
    "locked-io" => LockedIoApp.Run(options),
    "sync-over-async" => SyncOverAsyncApp.Run(options),
    "deadlock" => DeadlockApp.Run(options),
    "sleep-poll" => SleepPollApp.Run(options),
    "async-gate-leak" => AsyncGateLeakApp.Run(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Tracer.Corpus minimal-api|controllers|worker|batch|console-service|idle-consumer|signalled-worker|read-mostly-cache|throttled-fan-out|parallel-tally|http-gateway|process-supervisor|sync-over-async|deadlock|sleep-poll|lost-pulse|locked-io|async-gate-leak [--seconds N]");
    return 2;
}
