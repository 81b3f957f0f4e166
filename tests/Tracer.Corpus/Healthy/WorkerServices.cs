using System.Diagnostics;
using System.Security.Cryptography;
using System.Threading.Channels;
using Tracer.Corpus.Load;

namespace Tracer.Corpus.Healthy;

/// <summary>Jobs done and time spent, updated by the consumers under a lock and flushed by a timer.</summary>
internal sealed class WorkerStats
{
    private readonly Lock _lock = new();
    private long _jobs;
    private long _flushes;
    private TimeSpan _longestBeatGap;

    public void JobDone()
    {
        lock (_lock)
        {
            _jobs++;
        }
    }

    public long Flush()
    {
        lock (_lock)
        {
            _flushes++;
            return _jobs;
        }
    }

    /// <summary>The heartbeat's longest gap between ticks: shows a pause of the whole process.</summary>
    public void Beat(TimeSpan sinceLast)
    {
        lock (_lock)
        {
            _longestBeatGap = sinceLast > _longestBeatGap ? sinceLast : _longestBeatGap;
        }
    }

    public override string ToString()
    {
        lock (_lock)
        {
            return $"{_jobs} jobs, {_flushes} flushes, longest heartbeat gap {_longestBeatGap.TotalMilliseconds:F0} ms";
        }
    }
}

/// <summary>Writes jobs into the channel in bursts (the busy stretches of <see cref="LoadPhases"/>), then stops the host.</summary>
internal sealed class JobProducer(Channel<int> jobs, CorpusOptions options, IHostApplicationLifetime lifetime, ILogger<JobProducer> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var clock = Stopwatch.StartNew();
        int n = 0;
        try
        {
            while (clock.Elapsed < options.Duration && !stoppingToken.IsCancellationRequested)
            {
                if (LoadPhases.IsBusy(clock.Elapsed))
                {
                    await jobs.Writer.WriteAsync(n++, stoppingToken);
                    await Task.Delay(5, stoppingToken);
                }
                else
                {
                    await Task.Delay(200, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the host is stopping
        }

        jobs.Writer.TryComplete();
        log.LogInformation("produced {Jobs} jobs", n);
        lifetime.StopApplication();
    }
}

/// <summary>Reads jobs until the channel completes; each job is a little CPU work and a little awaited I/O.</summary>
internal sealed class JobConsumer(Channel<int> jobs, WorkerStats stats) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (int job in jobs.Reader.ReadAllAsync(stoppingToken))
            {
                _ = SHA256.HashData(BitConverter.GetBytes(job));
                await Task.Delay(2, stoppingToken);
                stats.JobDone();
            }
        }
        catch (OperationCanceledException)
        {
            // the host is stopping
        }
    }
}

/// <summary>A PeriodicTimer heartbeat (every second) and a System.Threading.Timer flushing statistics every 2 s.</summary>
internal sealed class Heartbeat(WorkerStats stats, ILogger<Heartbeat> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var flush = new Timer(_ => log.LogInformation("flushed: {Jobs} jobs so far", stats.Flush()), null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
        using var beat = new PeriodicTimer(TimeSpan.FromSeconds(1));
        int beats = 0;
        long last = Stopwatch.GetTimestamp();
        try
        {
            while (await beat.WaitForNextTickAsync(stoppingToken))
            {
                stats.Beat(Stopwatch.GetElapsedTime(last));
                last = Stopwatch.GetTimestamp();
                if (++beats % 5 == 0)
                {
                    log.LogInformation("alive ({Beats} s)", beats);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the host is stopping
        }
    }
}
