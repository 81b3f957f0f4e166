namespace Tracer.RaceCorpus;

/// <summary>Every case by name.</summary>
internal static class Cases
{
    public static readonly IReadOnlyDictionary<string, Func<Task>> All = new Dictionary<string, Func<Task>>
    {
        ["racy-lost-update"] = Sync(RacyCases.LostUpdate),
        ["racy-check-then-act"] = Sync(RacyCases.CheckThenAct),
        ["racy-publication"] = Sync(RacyCases.Publication),
        ["racy-static-field"] = RacyCases.StaticField,
        ["racy-dictionary-parallel"] = Sync(RacyCases.DictionaryParallel),
        ["racy-list-parallel"] = Sync(RacyCases.ListParallel),
        ["racy-after-await"] = RacyCases.AfterAwait,
        ["racy-after-timer-start"] = Sync(RacyCases.AfterTimerStart),
        ["order-inversion"] = Sync(RacyCases.LockOrderInversion),
        ["free-monitor"] = Sync(LockTwins.Monitor),
        ["free-monitor-tryenter"] = Sync(LockTwins.MonitorTryEnter),
        ["free-lock-type"] = Sync(LockTwins.LockType),
        ["free-monitor-wait-pulse"] = Sync(LockTwins.WaitPulse),
        ["free-rwlock"] = Sync(LockTwins.ReaderWriter),
        ["free-lock-order-gated"] = Sync(LockTwins.GatedOrder),
        ["free-semaphore"] = Sync(SignalTwins.Semaphore),
        ["free-semaphore-async"] = SignalTwins.SemaphoreAsync,
        ["free-mres"] = Sync(SignalTwins.ManualResetSlim),
        ["free-manual-reset-event"] = Sync(SignalTwins.ManualReset),
        ["free-auto-reset-event"] = Sync(SignalTwins.AutoReset),
        ["free-barrier"] = Sync(SignalTwins.BarrierPhases),
        ["free-countdown"] = Sync(SignalTwins.Countdown),
        ["free-interlocked"] = Sync(SignalTwins.InterlockedFlag),
        ["free-volatile"] = Sync(SignalTwins.VolatileField),
        ["free-thread-join"] = Sync(TaskTwins.ThreadStartJoin),
        ["free-task-wait"] = Sync(TaskTwins.TaskWaitResult),
        ["free-continuewith"] = Sync(TaskTwins.ContinueWith),
        ["free-await"] = TaskTwins.Await,
        ["free-whenall"] = TaskTwins.WhenAll,
        ["free-tcs"] = TaskTwins.CompletionSource,
        ["free-threadpool"] = Sync(TaskTwins.QueueUserWorkItem),
        ["free-timer"] = Sync(TaskTwins.TimerCallback),
        ["free-task-start"] = Sync(TaskTwins.TaskStart),
        ["free-foreach-async"] = TaskTwins.ForEachAsync,
        ["free-async-void"] = Sync(TaskTwins.AsyncVoid),
        ["free-system-timers-timer"] = Sync(TaskTwins.SystemTimersTimer),
        ["free-parallel-locked-list"] = Sync(HandoffTwins.ParallelLockedList),
        ["free-concurrent-queue"] = Sync(HandoffTwins.ConcurrentQueueHandoff),
        ["free-blocking-collection"] = Sync(HandoffTwins.BlockingCollectionHandoff),
        ["free-consuming-enumerable"] = Sync(HandoffTwins.ConsumingEnumerableHandoff),
        ["free-channel"] = HandoffTwins.ChannelHandoff,
        ["free-lazy"] = Sync(HandoffTwins.LazyValue),
        ["free-concurrent-dictionary"] = Sync(HandoffTwins.ConcurrentDictionaryHandoff),
        ["free-concurrent-dictionary-factory"] = Sync(HandoffTwins.ConcurrentDictionaryFactory),
        ["free-spinlock"] = Sync(HandoffTwins.SpinLockCounter),
        ["bench-fields"] = Sync(FieldBenchmark.Run),
    };

    private static Func<Task> Sync(Action run) => () =>
    {
        run();
        return Task.CompletedTask;
    };
}

/// <summary>A plain object with plain fields: what the cases share between threads.</summary>
internal sealed class Box
{
    public int Value;
    public string? Text;
    public Box? Next;
}
