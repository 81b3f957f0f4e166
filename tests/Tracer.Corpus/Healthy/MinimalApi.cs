using Tracer.Corpus.Load;

namespace Tracer.Corpus.Healthy;

/// <summary>
/// The ASP.NET Core minimal API of the templates (async endpoints, console logging at Information), under loopback
/// load with idle stretches. Healthy: nothing blocks, nothing waits for anything but I/O and timers.
/// </summary>
internal static class MinimalApi
{
    public static int Run(CorpusOptions options)
    {
        WebApplication app = LoopbackWeb.CreateBuilder().Build();
        ILogger log = app.Logger;
        app.MapGet("/", async () =>
        {
            await Task.Delay(5);
            return "ok";
        });
        app.MapGet("/weather/{days:int}", async (int days) =>
        {
            await Task.Delay(2);
            log.LogInformation("forecast for {Days} days", days);
            return Enumerable.Range(1, days).Select(d => new { Day = d, TemperatureC = Random.Shared.Next(-20, 55) });
        });
        return LoopbackWeb.RunWithLoad(app, async server =>
            (await VirtualUsers.RunAsync(server, n => new HttpRequestMessage(HttpMethod.Get, n % 3 == 0 ? $"/weather/{1 + n % 7}" : "/"), options.Duration)).ToString());
    }
}
