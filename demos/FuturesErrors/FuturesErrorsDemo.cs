using System.Runtime.CompilerServices;

namespace Tracer.Demos.FuturesErrors;

/// <summary>
/// Futures / map with errors. Five jobs run on the pool; jobs 1, 3 and 4 fail, each in its own way. Bug: the program
/// awaits Task.WhenAll, which rethrows only the first exception, so two failures are never seen; and a fire-and-forget
/// background task fails with nobody looking. Fix: catch, then read every exception of the WhenAll task
/// (Exception.InnerExceptions); take results as they complete with Task.WhenEach; keep and await the background task.
/// </summary>
public static class FuturesErrorsDemo
{
    private const int Jobs = 5;

    public static int Run(bool fixedVariant) => fixedVariant ? RunFixedAsync().GetAwaiter().GetResult() : RunBuggyAsync().GetAwaiter().GetResult();

    private static async Task<int> RunBuggyAsync()
    {
        Console.WriteLine($"starting {Jobs} jobs; jobs 1, 3 and 4 will fail");
        Task<int>[] jobs = StartJobs();
        try
        {
            int[] results = await Task.WhenAll(jobs);
            Console.WriteLine($"results: {string.Join(", ", results)}");
        }
        catch (Exception ex)
        {
            // `await` rethrows only the first of the WhenAll task's exceptions.
            Console.WriteLine($"caught ONE exception: {ex.GetType().Name}: {ex.Message}");
        }

        Console.WriteLine($"{jobs.Count(j => j.IsFaulted)} jobs failed, but the program saw only 1 error; the successful results were lost too");

        using var finished = new ManualResetEventSlim();
        _ = Task.Run(() => CleanUpInBackground(finished)); // fire and forget: nobody will look at this task again
        finished.Wait();
        Console.WriteLine("the background clean-up ended; did it work? nobody knows: its exception went nowhere");
        Console.WriteLine("run with --fixed to see every error");
        return 0;
    }

    private static async Task<int> RunFixedAsync()
    {
        Console.WriteLine($"starting {Jobs} jobs; jobs 1, 3 and 4 will fail");
        Task<int>[] jobs = StartJobs();
        Task<int[]> all = Task.WhenAll(jobs);
        try
        {
            await all;
        }
        catch (Exception)
        {
            // The exception `await` threw is only the first; the WhenAll task holds them all.
            foreach (Exception error in all.Exception!.InnerExceptions)
            {
                Console.WriteLine($"error: {error.GetType().Name}: {error.Message}");
            }
        }

        Console.WriteLine("taking the jobs as they complete (Task.WhenEach):");
        int seen = 0;
        await foreach (Task<int> done in Task.WhenEach(jobs))
        {
            seen++;
            Console.WriteLine(done.IsCompletedSuccessfully ? $"  result {done.Result}" : $"  failed: {done.Exception!.InnerException!.Message}");
        }

        using var finished = new ManualResetEventSlim();
        Task background = Task.Run(() => CleanUpInBackground(finished)); // kept, and awaited below
        try
        {
            await background;
        }
        catch (Exception ex)
        {
            Console.WriteLine($"background clean-up failed: {ex.GetType().Name}: {ex.Message}");
        }

        Console.WriteLine($"saw all {seen} jobs, {jobs.Count(j => j.IsFaulted)} errors, and the background task's error");
        return 0;
    }

    private static Task<int>[] StartJobs()
    {
        var jobs = new Task<int>[Jobs];
        for (int i = 0; i < Jobs; i++)
        {
            int job = i;
            jobs[i] = Task.Run(() => Job(job));
        }

        return jobs;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Job(int job) => job switch
    {
        1 => throw new InvalidOperationException($"job {job}: the input file is missing"),
        3 => throw new TimeoutException($"job {job}: the server did not answer"),
        4 => throw new FormatException($"job {job}: '12,5' is not a number"),
        _ => job * job,
    };

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CleanUpInBackground(ManualResetEventSlim finished)
    {
        try
        {
            throw new UnauthorizedAccessException("background clean-up: cannot delete the temp folder");
        }
        finally
        {
            finished.Set();
        }
    }
}
