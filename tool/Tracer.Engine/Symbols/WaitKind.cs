namespace Tracer.Engine.Symbols;

/// <summary>What a thread is blocked in, judged from its stack (<see cref="WaitClassifier"/>).</summary>
public enum WaitKind
{
    /// <summary>Not blocked in a call we know (running, or in I/O such as Console.ReadLine).</summary>
    None,
    /// <summary>Monitor.Enter / C# lock on an object: the owner is known from the sync block.</summary>
    MonitorEnter,
    /// <summary>System.Threading.Lock.Enter: the owner is known from the Lock.</summary>
    LockEnter,
    MonitorWait,
    SemaphoreSlim,
    /// <summary>WaitHandle.WaitOne/WaitAny/WaitAll: Mutex, Semaphore, AutoResetEvent, ManualResetEvent.</summary>
    WaitHandle,
    ManualResetEventSlim,
    CountdownEvent,
    Barrier,
    ThreadJoin,
    /// <summary>Task.Wait, Task.Result, GetAwaiter().GetResult(): sync over async.</summary>
    TaskWait,
    /// <summary>BlockingCollection.Take and friends.</summary>
    CollectionTake,
    /// <summary>BlockingCollection.Add on a full bounded collection.</summary>
    CollectionAdd,
    ReaderWriterLock,
    /// <summary>Thread.Sleep: waiting for time, not for another thread.</summary>
    Sleep,
}
