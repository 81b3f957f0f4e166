namespace Tracer.RaceRuntime;

/// <summary>
/// Tasks: a task's completion is published on the task (by the body's wrapper, the async builder's SetResult, or the
/// TaskCompletionSource), and joined by Wait, Result, WaitAll, GetResult of its awaiter (await) and continuations.
/// Starting (Run, StartNew) publishes the starter's clock to the body.
/// </summary>
public static class TaskCalls
{
    private const string TaskType = "System.Threading.Tasks.Task";
    private const string TaskOf = "System.Threading.Tasks.Task`1";
    private const string Factory = "System.Threading.Tasks.TaskFactory";

    [Redirect(TaskType, "Run")]
    public static Task Run(Action body) => Run(body, CancellationToken.None);

    [Redirect(TaskType, "Run")]
    public static Task Run(Action body, CancellationToken ct)
    {
        (SyncPoint start, SyncPoint done) = Started();
        return Done(Task.Run(() => Body(start, done, body), ct), done);
    }

    [Redirect(TaskType, "Run")]
    public static Task<T> Run<T>(Func<T> body) => Run(body, CancellationToken.None);

    [Redirect(TaskType, "Run")]
    public static Task<T> Run<T>(Func<T> body, CancellationToken ct)
    {
        (SyncPoint start, SyncPoint done) = Started();
        return Done(Task.Run(() => Body(start, done, body), ct), done);
    }

    [Redirect(TaskType, "Run")]
    public static Task Run(Func<Task?> body) => Run(body, CancellationToken.None);

    [Redirect(TaskType, "Run")]
    public static Task Run(Func<Task?> body, CancellationToken ct)
    {
        (SyncPoint start, SyncPoint done) = Started();
        return Done(Task.Run(() => Inner(start, done, body), ct), done);
    }

    [Redirect(TaskType, "Run")]
    public static Task<T> Run<T>(Func<Task<T>?> body) => Run(body, CancellationToken.None);

    [Redirect(TaskType, "Run")]
    public static Task<T> Run<T>(Func<Task<T>?> body, CancellationToken ct)
    {
        (SyncPoint start, SyncPoint done) = Started();
        return Done(Task.Run(() => Inner(start, done, body), ct), done);
    }

    [Redirect(Factory, "StartNew", Instance = true)]
    public static Task StartNew(TaskFactory factory, Action body)
    {
        (SyncPoint start, SyncPoint done) = Started();
        return Done(factory.StartNew(() => Body(start, done, body)), done);
    }

    [Redirect(Factory, "StartNew", Instance = true)]
    public static Task StartNew(TaskFactory factory, Action body, TaskCreationOptions options)
    {
        (SyncPoint start, SyncPoint done) = Started();
        return Done(factory.StartNew(() => Body(start, done, body), options), done);
    }

    [Redirect(Factory, "StartNew", Instance = true)]
    public static Task StartNew(TaskFactory factory, Action body, CancellationToken ct, TaskCreationOptions options, TaskScheduler scheduler)
    {
        (SyncPoint start, SyncPoint done) = Started();
        return Done(factory.StartNew(() => Body(start, done, body), ct, options, scheduler), done);
    }

    [Redirect(Factory, "StartNew", Instance = true)]
    public static Task<T> StartNew<T>(TaskFactory factory, Func<T> body)
    {
        (SyncPoint start, SyncPoint done) = Started();
        return Done(factory.StartNew(() => Body(start, done, body)), done);
    }

    [Redirect(Factory, "StartNew", Instance = true)]
    public static Task<T> StartNew<T>(TaskFactory factory, Func<T> body, TaskCreationOptions options)
    {
        (SyncPoint start, SyncPoint done) = Started();
        return Done(factory.StartNew(() => Body(start, done, body), options), done);
    }

    [Redirect(TaskType, "Wait", Instance = true)]
    public static void Wait(Task task) { task.Wait(); Join(task); }

    [Redirect(TaskType, "Wait", Instance = true)]
    public static void Wait(Task task, CancellationToken ct) { task.Wait(ct); Join(task); }

    [Redirect(TaskType, "Wait", Instance = true)]
    public static bool Wait(Task task, int timeoutMs) => JoinIf(task.Wait(timeoutMs), task);

    [Redirect(TaskType, "Wait", Instance = true)]
    public static bool Wait(Task task, TimeSpan timeout) => JoinIf(task.Wait(timeout), task);

    [Redirect(TaskOf, "get_Result", Instance = true)]
    public static T Result<T>(Task<T> task)
    {
        T result = task.Result;
        Join(task);
        return result;
    }

    [Redirect(TaskType, "WaitAll")]
    public static void WaitAll(Task[] tasks)
    {
        Task.WaitAll(tasks);
        JoinCompleted(tasks);
    }

    [Redirect(TaskType, "WaitAll")]
    public static bool WaitAll(Task[] tasks, int timeoutMs)
    {
        bool all = Task.WaitAll(tasks, timeoutMs);
        JoinCompleted(tasks);
        return all;
    }

    [Redirect(TaskType, "WaitAny")]
    public static int WaitAny(Task[] tasks)
    {
        int index = Task.WaitAny(tasks);
        JoinCompleted(tasks);
        return index;
    }

    [Redirect(TaskType, "WhenAll")]
    public static Task WhenAll(Task[] tasks) => LinkAll(Task.WhenAll(tasks), tasks);

    [Redirect(TaskType, "WhenAll")]
    public static Task WhenAll(IEnumerable<Task> tasks)
    {
        Task[] all = [.. tasks];
        return LinkAll(Task.WhenAll(all), all);
    }

    [Redirect(TaskType, "WhenAll")]
    public static Task<T[]> WhenAll<T>(Task<T>[] tasks) => LinkAll(Task.WhenAll(tasks), tasks);

    [Redirect(TaskType, "WhenAll")]
    public static Task<T[]> WhenAll<T>(IEnumerable<Task<T>> tasks)
    {
        Task<T>[] all = [.. tasks];
        return LinkAll(Task.WhenAll(all), all);
    }

    /// <summary>The continuation runs after the antecedent completed, and after what its registrar did before.</summary>
    [Redirect(TaskType, "ContinueWith", Instance = true)]
    public static Task ContinueWith(Task task, Action<Task> next)
    {
        (SyncPoint start, SyncPoint done) = Started();
        return Done(task.ContinueWith(t => { Join(t); Body(start, done, () => next(t)); }), done);
    }

    [Redirect(TaskType, "ContinueWith", Instance = true)]
    public static Task<T> ContinueWith<T>(Task task, Func<Task, T> next)
    {
        (SyncPoint start, SyncPoint done) = Started();
        return Done(task.ContinueWith(t => { Join(t); return Body(start, done, () => next(t)); }), done);
    }

    [Redirect(TaskOf, "ContinueWith", Instance = true)]
    public static Task ContinueWith<T>(Task<T> task, Action<Task<T>> next)
    {
        (SyncPoint start, SyncPoint done) = Started();
        return Done(task.ContinueWith(t => { Join(t); Body(start, done, () => next(t)); }), done);
    }

    [Redirect(TaskOf, "ContinueWith", Instance = true)]
    public static Task<TNew> ContinueWith<T, TNew>(Task<T> task, Func<Task<T>, TNew> next)
    {
        (SyncPoint start, SyncPoint done) = Started();
        return Done(task.ContinueWith(t => { Join(t); return Body(start, done, () => next(t)); }), done);
    }

    /// <summary>Joins a finished task's published clock (and what it links to).</summary>
    public static void Join(Task? task) => SyncPoint.Acquire(task);

    internal static void Complete(Task task) => SyncPoint.Release(task);

    internal static (SyncPoint Start, SyncPoint Done) Started()
    {
        var start = new SyncPoint();
        start.Release(RaceThread.Current);
        return (start, new SyncPoint());
    }

    internal static void Body(SyncPoint start, SyncPoint done, Action body)
    {
        start.Acquire(RaceThread.Current);
        try
        {
            body();
        }
        finally
        {
            done.Release(RaceThread.Current);
        }
    }

    internal static T Body<T>(SyncPoint start, SyncPoint done, Func<T> body)
    {
        start.Acquire(RaceThread.Current);
        try
        {
            return body();
        }
        finally
        {
            done.Release(RaceThread.Current);
        }
    }

    /// <summary>An async body: the proxy task also joins the inner task the body returned.</summary>
    private static T? Inner<T>(SyncPoint start, SyncPoint done, Func<T?> body)
        where T : Task
    {
        T? inner = Body(start, done, body);
        if (inner is not null)
        {
            done.Link(SyncPoint.Of(inner));
        }

        return inner;
    }

    internal static T Done<T>(T task, SyncPoint done)
        where T : Task
    {
        SyncPoint.Of(task).Link(done);
        return task;
    }

    private static bool JoinIf(bool completed, Task task)
    {
        if (completed)
        {
            Join(task);
        }

        return completed;
    }

    private static void JoinCompleted(Task[] tasks)
    {
        foreach (Task t in tasks)
        {
            if (t.IsCompleted)
            {
                Join(t);
            }
        }
    }

    private static T LinkAll<T>(T all, Task[] tasks)
        where T : Task
    {
        SyncPoint point = SyncPoint.Of(all);
        foreach (Task t in tasks)
        {
            point.Link(SyncPoint.Of(t));
        }

        return all;
    }
}
