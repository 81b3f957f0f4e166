using System.Diagnostics;
using Tracer.Cli.Tui;
using Tracer.Engine.Analysis;
using Tracer.Engine.Collect;
using Tracer.Engine.Decoding;

namespace Tracer.PerfHarness;

/// <summary>
/// How long a TUI snapshot holds the analyzer's lock (the decoder waits that long; docs/performance.md#tui-lock):
/// over the finished trace (the largest model the screens copy), and while the same file is decoded on another
/// thread, one snapshot every 20 ms as the UI takes them.
/// </summary>
internal static class TuiLockHold
{
    public static int Run(string path, int rounds)
    {
        TraceAnalyzer finished = TraceFileAnalysis.Analyze(path);
        string size = $"{finished.Model.TotalEvents:N0} events, {finished.Model.Threads.Count} threads, {finished.Model.Locks.Count} locks";
        foreach (bool withEvents in new[] { false, true })
        {
            var source = new SnapshotSource(finished, path);
            for (int i = 0; i < 3; i++)
            {
                source.Take(withEvents); // warm-up: the first calls JIT the report builder
            }

            var holds = new List<double>();
            for (int i = 0; i < rounds; i++)
            {
                source.Take(withEvents);
                holds.Add(source.LastLockHold.TotalMilliseconds);
            }

            Print($"finished trace ({size}){(withEvents ? ", Events screen" : string.Empty)}", holds);
        }

        var during = new List<double>();
        var clock = Stopwatch.StartNew();
        for (int round = 0; round < 5; round++)
        {
            var live = new TraceAnalyzer();
            var growing = new SnapshotSource(live, path);
            using var file = File.OpenRead(path);
            using var decoder = new EventPipeDecoder(file, live);
            var decode = Task.Run(decoder.Process);
            while (!decode.IsCompleted)
            {
                growing.Take(withEvents: false);
                during.Add(growing.LastLockHold.TotalMilliseconds);
                Thread.Sleep(5);
            }

            decode.GetAwaiter().GetResult();
        }

        Print($"while decoding (5 replays, {clock.Elapsed.TotalMilliseconds:F0} ms)", during);
        return 0;
    }

    private static void Print(string what, List<double> holds)
    {
        holds.Sort();
        Console.WriteLine($"{what}: {holds.Count} snapshots, lock held median {holds[holds.Count / 2]:F3} ms, "
            + $"p90 {holds[(int)(holds.Count * 0.9)]:F3} ms, max {holds[^1]:F3} ms");
    }
}
