using Tracer.Corpus.Load;

namespace Tracer.Corpus.Sick;

/// <summary>
/// An async service whose database gate leaks: `SemaphoreSlim(4)` guards the calls, and a call that throws skips its
/// `Release()` (no try/finally). Every 50th call times out, so after 200 requests every permit is gone and each new
/// request awaits the gate forever. No thread blocks and no lock is contended: only the heap shows the hang.
/// </summary>
internal static class AsyncGateLeakApp
{
    public static int Run(CorpusOptions options)
    {
        WebApplicationBuilder builder = LoopbackWeb.CreateBuilder();
        builder.Services.AddSingleton<Inventory>();
        WebApplication app = builder.Build();
        app.MapGet("/stock/{id:int}", async (int id, Inventory inventory) =>
        {
            try
            {
                return Results.Ok(await inventory.ReserveAsync(id));
            }
            catch (TimeoutException)
            {
                return Results.StatusCode(503);
            }
        });
        return LoopbackWeb.RunWithLoad(app, server => OpenLoopLoad.StartAsync(server, "/stock/7", 100, options.Duration));
    }

    internal sealed class Inventory
    {
        private readonly SemaphoreSlim _database = new(4, 4);
        private int _calls;

        public async Task<string> ReserveAsync(int id)
        {
            await _database.WaitAsync();
            await Task.Delay(5); // the query
            if (Interlocked.Increment(ref _calls) % 50 == 0)
            {
                throw new TimeoutException("database timeout"); // bug: the permit is never released
            }

            _database.Release();
            return $"reserved {id}";
        }
    }
}
