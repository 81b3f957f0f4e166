using System.Diagnostics;

namespace Tracer.Corpus.Healthy;

/// <summary>
/// An async-Main console service: a loop that does a little work, then awaits Task.Delay with a CancellationToken
/// (cancelled after the duration or by Ctrl+C), sometimes for a long idle stretch. Healthy: Main awaits, nothing blocks.
/// </summary>
internal static class ConsoleService
{
    public static async Task<int> RunAsync(CorpusOptions options)
    {
        using var stop = new CancellationTokenSource(options.Duration);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        string scratch = Path.Combine(Path.GetTempPath(), $"corpus-console-{Environment.ProcessId}.txt");
        Console.WriteLine("ready");
        int tick = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await File.AppendAllTextAsync(scratch, $"tick {tick} at {clock.ElapsedMilliseconds} ms\n", stop.Token);
                TimeSpan pause = tick % 10 == 9 ? TimeSpan.FromSeconds(5) : TimeSpan.FromMilliseconds(250);
                tick++;
                await Task.Delay(pause, stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
        finally
        {
            File.Delete(scratch);
        }

        Console.WriteLine($"console service done: {tick} ticks");
        return 0;
    }
}
