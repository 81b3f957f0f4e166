using System.Diagnostics;

namespace Tracer.PerfHarness;

/// <summary>Fixed closed-loop load: <c>connections</c> clients, each sending its next request when the last answered.</summary>
internal static class WebLoad
{
    /// <summary>Requests answered per second over <paramref name="measure"/>, after <paramref name="warmUp"/>, and the
    /// service's CPU time per request in that window (<paramref name="serviceCpuSeconds"/> read at its start and end):
    /// on a machine shared with other work, CPU per request is the steadier measure of what tracing costs the service.</summary>
    public static async Task<(double Rps, double CpuMsPerRequest)> RunAsync(string baseUrl, int connections, TimeSpan warmUp, TimeSpan measure,
        Func<double> serviceCpuSeconds)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
        long answered = 0;
        bool counting = false;
        using var stop = new CancellationTokenSource();
        Task[] clients = [.. Enumerable.Range(0, connections).Select(c => Task.Run(async () =>
        {
            for (int n = 0; !stop.IsCancellationRequested; n++)
            {
                using HttpResponseMessage response = await client.GetAsync($"orders/{(c * 1000) + (n % 1000)}", CancellationToken.None);
                await response.Content.ReadAsByteArrayAsync(CancellationToken.None);
                response.EnsureSuccessStatusCode();
                if (Volatile.Read(ref counting))
                {
                    Interlocked.Increment(ref answered);
                }
            }
        }))];
        await Task.Delay(warmUp);
        double cpuStart = serviceCpuSeconds();
        Volatile.Write(ref counting, true);
        var clock = Stopwatch.StartNew();
        await Task.Delay(measure);
        long done = Interlocked.Read(ref answered);
        double rate = done / clock.Elapsed.TotalSeconds;
        double cpuMs = (serviceCpuSeconds() - cpuStart) * 1000;
        await stop.CancelAsync();
        await Task.WhenAll(clients);
        return (rate, done == 0 ? double.NaN : cpuMs / done);
    }
}
