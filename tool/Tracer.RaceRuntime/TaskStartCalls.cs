using System.Runtime.CompilerServices;

namespace Tracer.RaceRuntime;

/// <summary>
/// Tasks made with a constructor and started later (<c>new Task(body)</c>, then Start or RunSynchronously): what the
/// starter did before Start is ordered before the body, as with Task.Run; the body's end is published on the task, so
/// Wait, Result and await join it (<see cref="TaskCalls"/>).
/// </summary>
public static class TaskStartCalls
{
    private const string TaskType = "System.Threading.Tasks.Task";
    private const string TaskOf = "System.Threading.Tasks.Task`1";
    /// <summary>Each constructed task's start point: released at construction and again at Start.</summary>
    private static readonly ConditionalWeakTable<Task, SyncPoint> s_starts = new();

    [Redirect(TaskType, ".ctor")]
    public static Task NewTask(Action body) => Register((start, done) => new Task(() => TaskCalls.Body(start, done, body)));

    [Redirect(TaskType, ".ctor")]
    public static Task NewTask(Action body, CancellationToken ct) => Register((start, done) => new Task(() => TaskCalls.Body(start, done, body), ct));

    [Redirect(TaskType, ".ctor")]
    public static Task NewTask(Action body, TaskCreationOptions options) => Register((start, done) => new Task(() => TaskCalls.Body(start, done, body), options));

    [Redirect(TaskType, ".ctor")]
    public static Task NewTask(Action<object?> body, object? state) => Register((start, done) => new Task(o => TaskCalls.Body(start, done, () => body(o)), state));

    [Redirect(TaskOf, ".ctor")]
    public static Task<T> NewTask<T>(Func<T> body) => Register((start, done) => new Task<T>(() => TaskCalls.Body(start, done, body)));

    [Redirect(TaskOf, ".ctor")]
    public static Task<T> NewTask<T>(Func<T> body, CancellationToken ct) => Register((start, done) => new Task<T>(() => TaskCalls.Body(start, done, body), ct));

    [Redirect(TaskOf, ".ctor")]
    public static Task<T> NewTask<T>(Func<T> body, TaskCreationOptions options) => Register((start, done) => new Task<T>(() => TaskCalls.Body(start, done, body), options));

    [Redirect(TaskType, "Start", Instance = true)]
    public static void Start(Task task)
    {
        Released(task);
        task.Start();
    }

    [Redirect(TaskType, "Start", Instance = true)]
    public static void Start(Task task, TaskScheduler scheduler)
    {
        Released(task);
        task.Start(scheduler);
    }

    [Redirect(TaskType, "RunSynchronously", Instance = true)]
    public static void RunSynchronously(Task task)
    {
        Released(task);
        task.RunSynchronously();
    }

    private static T Register<T>(Func<SyncPoint, SyncPoint, T> create)
        where T : Task
    {
        (SyncPoint start, SyncPoint done) = TaskCalls.Started();
        T task = TaskCalls.Done(create(start, done), done);
        s_starts.AddOrUpdate(task, start);
        return task;
    }

    private static void Released(Task task)
    {
        if (s_starts.TryGetValue(task, out SyncPoint? start))
        {
            start.Release(RaceThread.Current);
        }
    }
}
