using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Tracer.Demos.CpuSpeedup;

/// <summary>
/// No GIL: CPU work. Eight big-integer factorials. Bug (slow, not wrong): one thread computes them one after another
/// while the other cores idle. Fix: one thread per core takes the next factorial until none are left; .NET has no
/// global interpreter lock, so all cores compute at once and the speedup is printed. (Parallel.For does the same on
/// pool threads; the demo uses named threads so the tracer's thread list shows them.)
/// </summary>
public static class CpuSpeedupDemo
{
    private const int Factorials = 8;
    private const int N = 10_000;

    public static int Run(bool fixedVariant)
    {
        Console.WriteLine($"computing {Factorials} times {N}! with BigInteger on a machine with {Environment.ProcessorCount} cores");
        var serial = Stopwatch.StartNew();
        BigInteger[] serialResults = ComputeSerially();
        serial.Stop();
        Console.WriteLine($"serial: {Factorials} factorials on 1 thread in {serial.Elapsed.TotalSeconds:F2} s");
        if (!fixedVariant)
        {
            Console.WriteLine("the other cores were idle; run with --fixed to use them all");
            return 0;
        }

        int workers = Math.Max(2, Environment.ProcessorCount);
        var parallel = Stopwatch.StartNew();
        BigInteger[] parallelResults = ComputeOnThreads(workers);
        parallel.Stop();
        bool same = serialResults.SequenceEqual(parallelResults);
        Console.WriteLine($"parallel: {Factorials} factorials on {workers} threads in {parallel.Elapsed.TotalSeconds:F2} s (results {(same ? "identical" : "DIFFERENT")})");
        Console.WriteLine($"speedup: {serial.Elapsed.TotalSeconds / parallel.Elapsed.TotalSeconds:F2}x");
        return same ? 0 : 1;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static BigInteger[] ComputeSerially()
    {
        var results = new BigInteger[Factorials];
        for (int i = 0; i < Factorials; i++)
        {
            results[i] = Factorial(N);
        }

        return results;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static BigInteger[] ComputeOnThreads(int workers)
    {
        var results = new BigInteger[Factorials];
        int next = -1;
        var threads = new Thread[workers];
        for (int w = 0; w < workers; w++)
        {
            threads[w] = new Thread(() =>
            {
                // Each thread takes the next unclaimed factorial; Interlocked makes "take" atomic.
                for (int i = Interlocked.Increment(ref next); i < Factorials; i = Interlocked.Increment(ref next))
                {
                    results[i] = Factorial(N);
                }
            }) { Name = $"factorial-{w}" };
            threads[w].Start();
        }

        foreach (Thread t in threads)
        {
            t.Join();
        }

        return results;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static BigInteger Factorial(int n)
    {
        BigInteger product = BigInteger.One;
        for (int k = 2; k <= n; k++)
        {
            product *= k;
        }

        return product;
    }
}
