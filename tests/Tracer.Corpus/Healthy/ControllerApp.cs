using System.Net.Http.Json;
using Tracer.Corpus.Load;

namespace Tracer.Corpus.Healthy;

/// <summary>
/// A controller-based API (AddControllers/MapControllers) with an in-memory store under a lock, under loopback load
/// of reads and writes with idle stretches. Healthy: the lock is held for microseconds.
/// </summary>
internal static class ControllerApp
{
    public static int Run(CorpusOptions options)
    {
        WebApplicationBuilder builder = LoopbackWeb.CreateBuilder();
        builder.Services.AddControllers();
        builder.Services.AddSingleton<OrderStore>();
        WebApplication app = builder.Build();
        app.MapControllers();
        return LoopbackWeb.RunWithLoad(app, async server =>
            (await VirtualUsers.RunAsync(server, Request, options.Duration)).ToString());
    }

    private static HttpRequestMessage Request(int n) => n % 4 == 0
        ? new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(new Order(0, $"item-{n}", 1 + n % 5)) }
        : new HttpRequestMessage(HttpMethod.Get, $"/api/orders/{1 + n % 50}");
}
