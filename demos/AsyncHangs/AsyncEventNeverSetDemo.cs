using System.Runtime.CompilerServices;

namespace Tracer.Demos.AsyncHangs;

/// <summary>
/// The async form of event-never-set. Bug: readers await a TaskCompletionSource that a loader completes only on the
/// happy path; the loader throws first, nothing else holds the completion source, and the readers await forever.
/// Fixed: the loader completes it in every case (TrySetException on failure), and the readers see the error.
/// `dotnet-tracer snapshot -p PID` calls the completion source an orphan and names the faulted loader.
/// </summary>
public static class AsyncEventNeverSetDemo
{
    public static int Run(bool fixedVariant)
    {
        try
        {
            Start(fixedVariant).GetAwaiter().GetResult();
        }
        catch (IOException ex)
        {
            Console.WriteLine($"the readers were told: {ex.Message}");
        }

        return 0;
    }

    /// <summary>Only the flows hold the settings: nothing on Main's stack keeps the completion source reachable.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Task Start(bool fixedVariant)
    {
        var settings = new Settings(fixedVariant);
        return Task.WhenAll([settings.LoadAsync(), .. Enumerable.Range(0, 3).Select(settings.ReadAsync)]);
    }

    private sealed class Settings(bool fixedVariant)
    {
        private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task LoadAsync()
        {
            await Task.Delay(50);
            try
            {
                throw new IOException("settings.json is missing");
            }
            catch (IOException ex) when (fixedVariant)
            {
                _ready.TrySetException(ex); // the fix: every path completes the source
                throw;
            }
        }

        public async Task ReadAsync(int reader)
        {
            Console.WriteLine($"reader {reader}: waiting for the settings");
            string value = await _ready.Task;
            Console.WriteLine($"reader {reader}: {value}");
        }
    }
}
