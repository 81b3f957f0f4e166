using Tracer.Corpus.Load;

namespace Tracer.Corpus.Healthy;

/// <summary>
/// An API gateway: its endpoint fans each request out to two calls of a downstream service (here a second route of
/// the same Kestrel server, reached over loopback HTTP) through an IHttpClientFactory client, and merges the answers,
/// under loopback load with idle stretches. Healthy: the calls are awaited; the client's connection pool and
/// Kestrel's I/O wait asynchronously.
/// </summary>
internal static class HttpGateway
{
    public static int Run(CorpusOptions options)
    {
        WebApplicationBuilder builder = LoopbackWeb.CreateBuilder();
        builder.Services.AddHttpClient("downstream");
        WebApplication app = builder.Build();
        app.MapGet("/inventory/{id:int}", async (int id) =>
        {
            await Task.Delay(3);
            return new { Id = id, Stock = id % 17 };
        });
        app.MapGet("/price/{id:int}", async (int id) =>
        {
            await Task.Delay(2);
            return new { Id = id, Price = 10 + id % 90 };
        });
        app.MapGet("/product/{id:int}", async (int id, IHttpClientFactory clients, HttpContext context) =>
        {
            HttpClient client = clients.CreateClient("downstream");
            client.BaseAddress = new Uri($"{context.Request.Scheme}://{context.Request.Host}");
            Task<string> stock = client.GetStringAsync($"/inventory/{id}", context.RequestAborted);
            Task<string> price = client.GetStringAsync($"/price/{id}", context.RequestAborted);
            return $"{{\"stock\":{await stock},\"price\":{await price}}}";
        });
        return LoopbackWeb.RunWithLoad(app, async server =>
            (await VirtualUsers.RunAsync(server, n => new HttpRequestMessage(HttpMethod.Get, $"/product/{n % 50}"), options.Duration)).ToString());
    }
}
