using System.Diagnostics;

namespace Tracer.Corpus.Load;

/// <summary>
/// HTTP load as the DiagnosticScenarios tutorials send it with bombardier (<c>-c 125</c>): requests at a fixed rate,
/// but at most 125 outstanding (arrivals beyond that are dropped), so a starved server slows the answers and can
/// recover once the pool has grown past the connections. A dedicated thread keeps the pace.
/// </summary>
internal static class OpenLoopLoad
{
    /// <summary>Runs the load on a thread of its own (not a pool thread: the pacing sleeps and the final wait blocks).</summary>
    public static Task<string> StartAsync(Uri server, string path, int perSecond, TimeSpan duration) =>
        Task.Factory.StartNew(() => Run(server, path, perSecond, duration).ToString(), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    public static LoadStats Run(Uri server, string path, int perSecond, TimeSpan duration, int maxInFlight = 125)
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = maxInFlight })
        {
            BaseAddress = server,
            Timeout = TimeSpan.FromSeconds(60),
        };
        var stats = new LoadStats();
        var inFlight = new List<Task>();
        var clock = Stopwatch.StartNew();
        long sent = 0;
        while (clock.Elapsed < duration)
        {
            long due = (long)(clock.Elapsed.TotalSeconds * perSecond);
            inFlight.RemoveAll(t => t.IsCompleted);
            for (; sent < due && inFlight.Count < maxInFlight; sent++)
            {
                inFlight.Add(SendAsync(client, path, stats));
            }

            sent = due; // arrivals beyond the in-flight cap are dropped, as a load tool at its connection limit does

            Thread.Sleep(10);
        }

        Task.WaitAll([.. inFlight], TimeSpan.FromSeconds(5)); // a starved server may never catch up; disposing the client cancels the rest
        return stats;
    }

    private static async Task SendAsync(HttpClient client, string path, LoadStats stats)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            using HttpResponseMessage response = await client.GetAsync(path);
            stats.Record(ok: (int)response.StatusCode < 500, Stopwatch.GetElapsedTime(start)); // a 404 is an answer too
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            stats.Record(ok: false, Stopwatch.GetElapsedTime(start));
        }
    }
}
