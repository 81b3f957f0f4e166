namespace Tracer.RaceRuntime;

/// <summary>Parallel loops: the caller's set-up is ordered before every iteration, every iteration before the return.</summary>
public static class ParallelCalls
{
    private const string P = "System.Threading.Tasks.Parallel";

    [Redirect(P, "For")]
    public static ParallelLoopResult For(int from, int to, Action<int> body) => Loop(w => Parallel.For(from, to, i => w(() => body(i))));

    [Redirect(P, "For")]
    public static ParallelLoopResult For(long from, long to, Action<long> body) => Loop(w => Parallel.For(from, to, i => w(() => body(i))));

    [Redirect(P, "For")]
    public static ParallelLoopResult For(int from, int to, Action<int, ParallelLoopState> body) =>
        Loop(w => Parallel.For(from, to, (i, s) => w(() => body(i, s))));

    [Redirect(P, "For")]
    public static ParallelLoopResult For(int from, int to, ParallelOptions options, Action<int> body) =>
        Loop(w => Parallel.For(from, to, options, i => w(() => body(i))));

    [Redirect(P, "ForEach")]
    public static ParallelLoopResult ForEach<T>(IEnumerable<T> source, Action<T> body) => Loop(w => Parallel.ForEach(source, x => w(() => body(x))));

    [Redirect(P, "ForEach")]
    public static ParallelLoopResult ForEach<T>(IEnumerable<T> source, ParallelOptions options, Action<T> body) =>
        Loop(w => Parallel.ForEach(source, options, x => w(() => body(x))));

    [Redirect(P, "ForEach")]
    public static ParallelLoopResult ForEach<T>(IEnumerable<T> source, Action<T, ParallelLoopState> body) =>
        Loop(w => Parallel.ForEach(source, (x, s) => w(() => body(x, s))));

    [Redirect(P, "Invoke")]
    public static void Invoke(Action[] actions) => Loop(w =>
    {
        Parallel.Invoke([.. actions.Select(a => (Action)(() => w(a)))]);
        return default;
    });

    private static ParallelLoopResult Loop(Func<Action<Action>, ParallelLoopResult> run)
    {
        var start = new SyncPoint();
        var done = new SyncPoint();
        start.Release(RaceThread.Current);
        try
        {
            return run(body =>
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
            });
        }
        finally
        {
            done.Acquire(RaceThread.Current);
        }
    }
}
