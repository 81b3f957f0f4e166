using System.Diagnostics;

namespace Tracer.Corpus.Healthy;

/// <summary>
/// A generic-host BackgroundService that wakes on a PeriodicTimer every 2 s and fans a batch of 40 calls out with
/// Task.WhenAll, at most 4 at a time through a SemaphoreSlim (awaited), each a simulated downstream call; a
/// System.Threading.Timer reports progress. Healthy: the fan-out waits asynchronously, no thread blocks.
/// </summary>
internal static class ThrottledFanOut
{
    public static async Task<int> RunAsync(CorpusOptions options)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole();
        builder.Services.AddHostedService<FanOutService>();
        using IHost host = builder.Build();
        using var stop = new CancellationTokenSource(options.Duration);
        Console.WriteLine("ready");
        await host.RunAsync(stop.Token);
        Console.WriteLine($"fan-out done: {FanOutService.Calls} calls in {FanOutService.Batches} batches");
        return 0;
    }

    private sealed class FanOutService : BackgroundService
    {
        public static int Calls;
        public static int Batches;
        private readonly SemaphoreSlim _throttle = new(4);

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            using var progress = new Timer(_ => Console.WriteLine($"progress: {Volatile.Read(ref Calls)} calls"), null, 1000, 1000);
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2));
            try
            {
                while (await timer.WaitForNextTickAsync(stoppingToken))
                {
                    var clock = Stopwatch.StartNew();
                    await Task.WhenAll(Enumerable.Range(0, 40).Select(i => CallDownstreamAsync(i, stoppingToken)));
                    Batches++;
                    Console.WriteLine($"batch {Batches}: 40 calls in {clock.ElapsedMilliseconds} ms");
                }
            }
            catch (OperationCanceledException)
            {
                // stopping
            }
        }

        private async Task CallDownstreamAsync(int id, CancellationToken ct)
        {
            await _throttle.WaitAsync(ct);
            try
            {
                await Task.Delay(20 + (id % 5) * 10, ct);
                Interlocked.Increment(ref Calls);
            }
            finally
            {
                _throttle.Release();
            }
        }
    }
}
