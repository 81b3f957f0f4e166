using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Tracer.Demos.AsyncHangs;

/// <summary>
/// The async form of queue-worker-dies. Bug: a producer writes jobs into a Channel and crashes before completing the
/// writer; the consumer's `await reader.ReadAsync()` waits for an item nobody can write any more. Fixed: the producer
/// completes the writer in finally (with the error), so the consumer's loop ends.
/// `dotnet-tracer snapshot -p PID` calls the channel an orphan: nothing but its reader can reach it.
/// </summary>
public static class AsyncQueueWriterDiesDemo
{
    public static int Run(bool fixedVariant)
    {
        try
        {
            Start(fixedVariant).GetAwaiter().GetResult();
        }
        catch (InvalidOperationException ex)
        {
            Console.WriteLine($"the pipeline stopped: {ex.Message}");
        }

        return 0;
    }

    /// <summary>Only the flows hold the pipeline: nothing on Main's stack keeps its channel reachable.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Task Start(bool fixedVariant)
    {
        var pipeline = new Pipeline(fixedVariant);
        return Task.WhenAll(pipeline.ProduceAsync(), pipeline.ConsumeAsync());
    }

    private sealed class Pipeline(bool fixedVariant)
    {
        private readonly Channel<int> _jobs = Channel.CreateBounded<int>(4);

        public async Task ProduceAsync()
        {
            try
            {
                for (int job = 0; job < 5; job++)
                {
                    await _jobs.Writer.WriteAsync(job);
                    if (job == 2)
                    {
                        throw new InvalidOperationException("the producer crashed at job 2");
                    }
                }
            }
            catch (Exception ex) when (fixedVariant)
            {
                _jobs.Writer.Complete(ex); // the fix: the reader learns that no more items will come
                throw;
            }

            _jobs.Writer.Complete();
        }

        public async Task ConsumeAsync()
        {
            while (await _jobs.Reader.WaitToReadAsync())
            {
                int job = await _jobs.Reader.ReadAsync();
                Console.WriteLine($"consumed job {job}");
            }
        }
    }
}
