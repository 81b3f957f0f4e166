using System.Threading.Channels;

namespace Tracer.Corpus.Healthy;

/// <summary>
/// A generic-host worker service: a producer and two consumers connected by a bounded Channel (bursts of work with idle
/// stretches between), a PeriodicTimer heartbeat and a System.Threading.Timer that flushes statistics kept under a
/// lock. Async Main awaits the host, which stops itself after the duration. Healthy: every wait is for work or time.
/// </summary>
internal static class ChannelWorker
{
    public static async Task<int> RunAsync(CorpusOptions options)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole();
        Channel<int> jobs = Channel.CreateBounded<int>(new BoundedChannelOptions(100) { FullMode = BoundedChannelFullMode.Wait });
        builder.Services.AddSingleton(jobs);
        var stats = new WorkerStats();
        builder.Services.AddSingleton(stats);
        builder.Services.AddSingleton(options);
        builder.Services.AddHostedService<JobProducer>();
        builder.Services.AddHostedService<JobConsumer>();
        builder.Services.AddHostedService<JobConsumer>();
        builder.Services.AddHostedService<Heartbeat>();
        using IHost host = builder.Build();
        Console.WriteLine("ready");
        await host.RunAsync();
        Console.WriteLine($"worker done: {stats}");
        return 0;
    }
}
