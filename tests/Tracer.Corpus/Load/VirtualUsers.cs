using System.Diagnostics;

namespace Tracer.Corpus.Load;

/// <summary>
/// Closed-loop HTTP load against the program's own loopback server: a few users each send a request, wait for the
/// answer, think for a moment and send the next, during busy stretches only (<see cref="LoadPhases"/>). Six users
/// with 30 ms of think time give about 50-150 requests/s on a small machine.
/// </summary>
internal static class VirtualUsers
{
    public static async Task<LoadStats> RunAsync(Uri server, Func<int, HttpRequestMessage> request, TimeSpan duration, int users = 6)
    {
        using var client = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        var stats = new LoadStats();
        var clock = Stopwatch.StartNew();
        Task[] loops = [.. Enumerable.Range(0, users).Select(u => UserAsync(client, request, u, clock, duration, stats))];
        await Task.WhenAll(loops);
        return stats;
    }

    private static async Task UserAsync(HttpClient client, Func<int, HttpRequestMessage> request, int user, Stopwatch clock, TimeSpan duration, LoadStats stats)
    {
        for (int n = user; clock.Elapsed < duration; n += 1000)
        {
            if (!LoadPhases.IsBusy(clock.Elapsed))
            {
                await Task.Delay(100);
                continue;
            }

            using HttpRequestMessage message = request(n);
            long start = Stopwatch.GetTimestamp();
            try
            {
                using HttpResponseMessage response = await client.SendAsync(message);
                stats.Record(ok: (int)response.StatusCode < 500, Stopwatch.GetElapsedTime(start)); // a 404 is an answer too
            }
            catch (HttpRequestException)
            {
                stats.Record(ok: false, Stopwatch.GetElapsedTime(start));
            }

            await Task.Delay(30);
        }
    }
}
