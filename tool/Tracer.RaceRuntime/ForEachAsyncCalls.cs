namespace Tracer.RaceRuntime;

/// <summary>
/// Parallel.ForEachAsync: what the caller did before the call is ordered before every body; every body's end before
/// the returned task's completion (its await or Wait joins it). A body that completes asynchronously ends where its
/// ValueTask completes, which the runtime does not say: that end is ordered after everything every thread did
/// (conservative, as for any unmodelled await: it can hide a race, never invent one).
/// </summary>
public static class ForEachAsyncCalls
{
    private const string P = "System.Threading.Tasks.Parallel";

    [Redirect(P, "ForEachAsync")]
    public static Task ForEachAsync<T>(IEnumerable<T> source, Func<T, CancellationToken, ValueTask> body) =>
        Loop(body, wrapped => Parallel.ForEachAsync(source, wrapped));

    [Redirect(P, "ForEachAsync")]
    public static Task ForEachAsync<T>(IEnumerable<T> source, CancellationToken ct, Func<T, CancellationToken, ValueTask> body) =>
        Loop(body, wrapped => Parallel.ForEachAsync(source, ct, wrapped));

    [Redirect(P, "ForEachAsync")]
    public static Task ForEachAsync<T>(IEnumerable<T> source, ParallelOptions options, Func<T, CancellationToken, ValueTask> body) =>
        Loop(body, wrapped => Parallel.ForEachAsync(source, options, wrapped));

    [Redirect(P, "ForEachAsync")]
    public static Task ForEachAsync<T>(IAsyncEnumerable<T> source, Func<T, CancellationToken, ValueTask> body) =>
        Loop(body, wrapped => Parallel.ForEachAsync(source, wrapped));

    [Redirect(P, "ForEachAsync")]
    public static Task ForEachAsync<T>(IAsyncEnumerable<T> source, CancellationToken ct, Func<T, CancellationToken, ValueTask> body) =>
        Loop(body, wrapped => Parallel.ForEachAsync(source, ct, wrapped));

    [Redirect(P, "ForEachAsync")]
    public static Task ForEachAsync<T>(IAsyncEnumerable<T> source, ParallelOptions options, Func<T, CancellationToken, ValueTask> body) =>
        Loop(body, wrapped => Parallel.ForEachAsync(source, options, wrapped));

    private static Task Loop<T>(Func<T, CancellationToken, ValueTask> body, Func<Func<T, CancellationToken, ValueTask>, Task> run)
    {
        var start = new SyncPoint();
        var done = new SyncPoint();
        start.Release(RaceThread.Current);
        Task all = run((item, ct) =>
        {
            start.Acquire(RaceThread.Current);
            ValueTask pending = body(item, ct);
            if (pending.IsCompleted)
            {
                done.Release(RaceThread.Current);
                return pending;
            }

            return new ValueTask(EndAsync(pending, done));
        });
        SyncPoint.Of(all).Link(done);
        return all;
    }

    private static async Task EndAsync(ValueTask pending, SyncPoint done)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        finally
        {
            Handoffs.Unmodelled();
            done.Release(RaceThread.Current);
        }
    }
}
