using Tracer.Corpus.Load;

namespace Tracer.Corpus.Sick;

/// <summary>
/// Sync over async in a web API, the most common cause of thread-pool starvation: each request runs
/// <c>Task.Run(() => FetchAsync(id).Result)</c>, so a pool thread blocks on every request while the awaited work
/// itself needs a pool thread to finish. Under about 500 requests/s the pool starves: answers take seconds while the
/// pool injects a thread or two per second.
/// </summary>
internal static class SyncOverAsyncApp
{
    public static int Run(CorpusOptions options)
    {
        WebApplication app = LoopbackWeb.CreateBuilder().Build();
        app.MapGet("/customers/{id:int}", GetCustomer);
        return LoopbackWeb.RunWithLoad(app, server => OpenLoopLoad.StartAsync(server, "/customers/7", 500, options.Duration));
    }

    private static Task<string> GetCustomer(int id) => Task.Run(() => FetchAsync(id).Result);

    private static async Task<string> FetchAsync(int id)
    {
        await Task.Delay(20); // the database round trip
        return $"customer {id}";
    }
}
