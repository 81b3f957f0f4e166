using System.Runtime.CompilerServices;

namespace Tracer.Demos.AsyncHangs;

/// <summary>
/// The async form of semaphore-leak. Bug: request handlers share a SemaphoreSlim(2) through `await gate.WaitAsync()`,
/// but Release is skipped when a handler throws; two bad requests leak both permits and every later request awaits
/// forever. No thread blocks in the semaphore (awaits suspend, they do not block); only Main waits for them all.
/// Fixed: Release in finally. `dotnet-tracer snapshot -p PID` names the flows, the semaphore and the faulted handler.
/// </summary>
public static class AsyncSemaphoreLeakDemo
{
    private const int Requests = 10;

    public static int Run(bool fixedVariant)
    {
        Start(fixedVariant).GetAwaiter().GetResult();
        Console.WriteLine($"all {Requests} requests served");
        return 0;
    }

    /// <summary>Only the flows hold the server: nothing on Main's stack keeps its semaphore reachable.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Task Start(bool fixedVariant) => new Server(fixedVariant).ServeAsync();

    private sealed class Server(bool fixedVariant)
    {
        private readonly SemaphoreSlim _gate = new(2, 2);

        public async Task ServeAsync()
        {
            var requests = new List<Task>();
            for (int i = 0; i < Requests; i++)
            {
                requests.Add(HandleAsync(i));
            }

            foreach (Task request in requests)
            {
                try
                {
                    await request;
                }
                catch (InvalidDataException ex)
                {
                    Console.WriteLine($"a request failed: {ex.Message}");
                }
            }
        }

        private async Task HandleAsync(int request)
        {
            await _gate.WaitAsync();
            Console.WriteLine($"request {request}: has a permit ({_gate.CurrentCount} left)");
            if (fixedVariant)
            {
                try
                {
                    await ProcessAsync(request);
                }
                finally
                {
                    _gate.Release();
                }

                return;
            }

            await ProcessAsync(request);
            _gate.Release(); // bug: skipped when ProcessAsync throws
        }

        private static async Task ProcessAsync(int request)
        {
            await Task.Delay(20);
            if (request < 2)
            {
                throw new InvalidDataException($"request {request} is malformed");
            }
        }
    }
}
