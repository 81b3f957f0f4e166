using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Tracer.Demos.IoThreads;

/// <summary>
/// Threads for I/O. Five requests to a slow (1–1.4 s) local web server. Bug: one after another, so the program waits
/// for the sum of the latencies. Fix: one thread per request, so the waits overlap and the program waits for the
/// longest one only. While a thread waits for the network it uses no CPU: threads are cheap for waiting.
/// (With async code, Task.WhenAll gets the same overlap without any waiting threads.)
/// </summary>
public static class IoThreadsDemo
{
    /// <summary>Latency of each request in ms; the sum and the maximum are what the two variants take.</summary>
    internal static readonly int[] LatenciesMs = [1000, 1200, 1400, 1100, 1300];

    private static readonly HttpClient s_client = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static int Run(bool fixedVariant)
    {
        using var server = new SlowHttpServer();
        Console.WriteLine($"started a slow web server at {server.BaseAddress}; each of {LatenciesMs.Length} requests takes 1-1.4 s to answer");
        var wall = Stopwatch.StartNew();
        if (fixedVariant)
        {
            FetchAllOnThreads(server.BaseAddress);
        }
        else
        {
            FetchOneAfterAnother(server.BaseAddress);
        }

        wall.Stop();
        Console.WriteLine($"wall time: {wall.Elapsed.TotalSeconds:F2} s (sum of latencies {LatenciesMs.Sum() / 1000.0:F2} s, longest {LatenciesMs.Max() / 1000.0:F2} s)");
        Console.WriteLine(fixedVariant
            ? "the waits overlapped: wall time is about the longest request"
            : "the waits added up: wall time is about the sum of all requests; run with --fixed to overlap them");
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FetchOneAfterAnother(Uri server)
    {
        for (int i = 0; i < LatenciesMs.Length; i++)
        {
            Fetch(server, i);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FetchAllOnThreads(Uri server)
    {
        var threads = new Thread[LatenciesMs.Length];
        for (int i = 0; i < threads.Length; i++)
        {
            int request = i;
            threads[i] = new Thread(() => Fetch(server, request)) { Name = $"request-{i}" };
            threads[i].Start();
        }

        foreach (Thread t in threads)
        {
            t.Join();
        }
    }

    /// <summary>One blocking request: the calling thread waits until the answer is there.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Fetch(Uri server, int request)
    {
        Console.WriteLine($"request {request}: asking for an answer in {LatenciesMs[request]} ms...");
        var took = Stopwatch.StartNew();
        string answer = s_client.GetStringAsync(new Uri(server, $"delay/{LatenciesMs[request]}")).GetAwaiter().GetResult();
        Console.WriteLine($"request {request}: {answer.Trim()} (waited {took.Elapsed.TotalSeconds:F2} s)");
    }
}
