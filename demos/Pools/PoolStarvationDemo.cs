using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Tracer.Demos.Pools;

/// <summary>
/// Bug: 40 requests run on the thread pool and each blocks on async work with .Result (sync-over-async). The async
/// work's continuation needs a pool thread too, but every pool thread is blocked waiting: the pool is starved and
/// injects a thread every half second or so until there are enough. Fixed: async all the way (await), so no pool
/// thread blocks and all requests finish in about one delay.
/// </summary>
public static class PoolStarvationDemo
{
    private const int Requests = 40;

    public static int Run(bool fixedVariant)
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        Console.WriteLine($"{Requests} requests on a pool with {workers} minimum workers ({(fixedVariant ? "async all the way" : "blocking on .Result")})");
        var clock = Stopwatch.StartNew();
        Task[] requests = [.. Enumerable.Range(0, Requests).Select(i => fixedVariant
            ? Task.Run(() => HandleRequestAsync(i))
            : Task.Run(() => HandleRequestBlocking(i)))];
        int done = 0;
        foreach (Task request in requests)
        {
            request.GetAwaiter().GetResult(); // main is not a pool thread: waiting here starves nothing
            if (++done % 10 == 0)
            {
                Console.WriteLine($"{done} requests done after {clock.ElapsedMilliseconds} ms");
            }
        }

        Console.WriteLine($"all {Requests} requests done in {clock.ElapsedMilliseconds} ms");
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int HandleRequestBlocking(int request) => LoadAsync(request).Result; // blocks a pool thread

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<int> HandleRequestAsync(int request) => await LoadAsync(request);

    private static async Task<int> LoadAsync(int request)
    {
        await Task.Delay(50).ConfigureAwait(false); // the continuation runs on a pool thread
        return request;
    }
}
