using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tracer.PerfHarness;

/// <summary>
/// A small but real ASP.NET Core service for the cost benchmark: Kestrel on loopback, one endpoint that does what a
/// request handler does (an await, a lock around shared state, a little CPU work, a JSON answer). Prints its URL.
/// </summary>
internal static class WebTarget
{
    private static readonly Lock s_gate = new();
    private static long s_served;

    public static async Task<int> RunAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        WebApplication app = builder.Build();
        app.MapGet("/orders/{id:int}", async (int id) =>
        {
            await Task.Yield(); // a continuation on the pool, like real I/O completion
            long served;
            lock (s_gate)
            {
                served = ++s_served;
            }

            int checksum = 0;
            for (int i = 0; i < 2000; i++)
            {
                checksum = (checksum * 31) + ((id + i) % 7);
            }

            return Results.Json(new Order(id, served, checksum, [$"item-{id % 10}", $"item-{checksum % 10}"]));
        });
        await app.StartAsync();
        Console.WriteLine($"listening on {app.Urls.First()}");
        await app.WaitForShutdownAsync(CancellationToken.None);
        return 0;
    }

    private sealed record Order(int Id, long Served, int Checksum, string[] Items);
}
