using System.Runtime.CompilerServices;

namespace Tracer.RaceRuntime;

/// <summary>
/// await: the awaiter's GetResult joins the awaited task (its first field, read with UnsafeAccessor); an async
/// method's builder publishes on its task before SetResult/SetException; a TaskCompletionSource publishes before it
/// completes its task. Program order across awaits inside one async method is kept by <see cref="AsyncFlow"/>.
/// </summary>
public static class AsyncCalls
{
    private const string Awaiter = "System.Runtime.CompilerServices.TaskAwaiter";
    private const string AwaiterOf = "System.Runtime.CompilerServices.TaskAwaiter`1";
    private const string Configured = "System.Runtime.CompilerServices.ConfiguredTaskAwaitable/ConfiguredTaskAwaiter";
    private const string ConfiguredOf = "System.Runtime.CompilerServices.ConfiguredTaskAwaitable`1/ConfiguredTaskAwaiter";
    private const string Builder = "System.Runtime.CompilerServices.AsyncTaskMethodBuilder";
    private const string BuilderOf = "System.Runtime.CompilerServices.AsyncTaskMethodBuilder`1";
    private const string Tcs = "System.Threading.Tasks.TaskCompletionSource";
    private const string TcsOf = "System.Threading.Tasks.TaskCompletionSource`1";

    [Redirect(Awaiter, "GetResult", Instance = true)]
    public static void GetResult(ref TaskAwaiter awaiter)
    {
        awaiter.GetResult();
        TaskCalls.Join(TaskOfAwaiter(ref awaiter));
    }

    [Redirect(AwaiterOf, "GetResult", Instance = true)]
    public static T GetResult<T>(ref TaskAwaiter<T> awaiter)
    {
        T result = awaiter.GetResult();
        TaskCalls.Join(Accessors<T>.TaskOfAwaiter(ref awaiter));
        return result;
    }

    [Redirect(Configured, "GetResult", Instance = true)]
    public static void GetResult(ref ConfiguredTaskAwaitable.ConfiguredTaskAwaiter awaiter)
    {
        awaiter.GetResult();
        TaskCalls.Join(TaskOfConfigured(ref awaiter));
    }

    [Redirect(ConfiguredOf, "GetResult", Instance = true)]
    public static T GetResult<T>(ref ConfiguredTaskAwaitable<T>.ConfiguredTaskAwaiter awaiter)
    {
        T result = awaiter.GetResult();
        TaskCalls.Join(Accessors<T>.TaskOfConfigured(ref awaiter));
        return result;
    }

    /// <summary>Task.Yield orders nothing but the method's own flow (kept by <see cref="AsyncFlow"/>): no conservative join.</summary>
    [Redirect("System.Runtime.CompilerServices.YieldAwaitable/YieldAwaiter", "GetResult", Instance = true)]
    public static void GetResult(ref YieldAwaitable.YieldAwaiter awaiter) => awaiter.GetResult();

    [Redirect(Builder, "SetResult", Instance = true)]
    public static void SetResult(ref AsyncTaskMethodBuilder builder)
    {
        TaskCalls.Complete(builder.Task);
        builder.SetResult();
    }

    [Redirect(Builder, "SetException", Instance = true)]
    public static void SetException(ref AsyncTaskMethodBuilder builder, Exception exception)
    {
        TaskCalls.Complete(builder.Task);
        builder.SetException(exception);
    }

    [Redirect(BuilderOf, "SetResult", Instance = true)]
    public static void SetResult<T>(ref AsyncTaskMethodBuilder<T> builder, T result)
    {
        TaskCalls.Complete(builder.Task);
        builder.SetResult(result);
    }

    [Redirect(BuilderOf, "SetException", Instance = true)]
    public static void SetException<T>(ref AsyncTaskMethodBuilder<T> builder, Exception exception)
    {
        TaskCalls.Complete(builder.Task);
        builder.SetException(exception);
    }

    [Redirect(TcsOf, "SetResult", Instance = true)]
    public static void TcsSetResult<T>(TaskCompletionSource<T> tcs, T result) { TaskCalls.Complete(tcs.Task); tcs.SetResult(result); }

    [Redirect(TcsOf, "TrySetResult", Instance = true)]
    public static bool TcsTrySetResult<T>(TaskCompletionSource<T> tcs, T result) { TaskCalls.Complete(tcs.Task); return tcs.TrySetResult(result); }

    [Redirect(TcsOf, "SetException", Instance = true)]
    public static void TcsSetException<T>(TaskCompletionSource<T> tcs, Exception e) { TaskCalls.Complete(tcs.Task); tcs.SetException(e); }

    [Redirect(TcsOf, "TrySetException", Instance = true)]
    public static bool TcsTrySetException<T>(TaskCompletionSource<T> tcs, Exception e) { TaskCalls.Complete(tcs.Task); return tcs.TrySetException(e); }

    [Redirect(TcsOf, "SetCanceled", Instance = true)]
    public static void TcsSetCanceled<T>(TaskCompletionSource<T> tcs) { TaskCalls.Complete(tcs.Task); tcs.SetCanceled(); }

    [Redirect(TcsOf, "TrySetCanceled", Instance = true)]
    public static bool TcsTrySetCanceled<T>(TaskCompletionSource<T> tcs) { TaskCalls.Complete(tcs.Task); return tcs.TrySetCanceled(); }

    [Redirect(Tcs, "SetResult", Instance = true)]
    public static void TcsSetResult(TaskCompletionSource tcs) { TaskCalls.Complete(tcs.Task); tcs.SetResult(); }

    [Redirect(Tcs, "TrySetResult", Instance = true)]
    public static bool TcsTrySetResult(TaskCompletionSource tcs) { TaskCalls.Complete(tcs.Task); return tcs.TrySetResult(); }

    [Redirect(Tcs, "SetException", Instance = true)]
    public static void TcsSetException(TaskCompletionSource tcs, Exception e) { TaskCalls.Complete(tcs.Task); tcs.SetException(e); }

    [Redirect(Tcs, "TrySetException", Instance = true)]
    public static bool TcsTrySetException(TaskCompletionSource tcs, Exception e) { TaskCalls.Complete(tcs.Task); return tcs.TrySetException(e); }

    [Redirect(Tcs, "SetCanceled", Instance = true)]
    public static void TcsSetCanceled(TaskCompletionSource tcs) { TaskCalls.Complete(tcs.Task); tcs.SetCanceled(); }

    [Redirect(Tcs, "TrySetCanceled", Instance = true)]
    public static bool TcsTrySetCanceled(TaskCompletionSource tcs) { TaskCalls.Complete(tcs.Task); return tcs.TrySetCanceled(); }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "m_task")]
    private static extern ref Task TaskOfAwaiter(ref TaskAwaiter awaiter);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "m_task")]
    private static extern ref Task TaskOfConfigured(ref ConfiguredTaskAwaitable.ConfiguredTaskAwaiter awaiter);

    private static class Accessors<T>
    {
        [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "m_task")]
        public static extern ref Task<T> TaskOfAwaiter(ref TaskAwaiter<T> awaiter);

        [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "m_task")]
        public static extern ref Task<T> TaskOfConfigured(ref ConfiguredTaskAwaitable<T>.ConfiguredTaskAwaiter awaiter);
    }
}

/// <summary>
/// Program order of one async method across its awaits: published when the state machine hands its continuation to an
/// awaiter (before the await can complete elsewhere), joined when MoveNext runs again. The rewriter adds a field of
/// this type to each state machine; the first MoveNext allocates it, so the boxed copy shares it.
/// </summary>
public sealed class AsyncFlow
{
    private readonly SyncPoint _point = new();

    public static void Resume(ref AsyncFlow? flow)
    {
        if (flow is null)
        {
            flow = new AsyncFlow();
        }
        else
        {
            flow._point.Acquire(RaceThread.Current);
        }
    }

    public static void Suspend(ref AsyncFlow? flow) => (flow ??= new AsyncFlow())._point.Release(RaceThread.Current);
}
