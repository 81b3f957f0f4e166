using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tracer.PerfHarness;

/// <summary>
/// A real ASP.NET Core app (Kestrel, minimal API) whose endpoint is async all the way: a SemaphoreSlim gate, awaits in
/// three nested async methods, as a service's handler would. Used to price TplEventSource's task events at a high
/// async rate (<see cref="TplCost"/>). Prints "listening" when it accepts requests.
/// </summary>
internal static class AsyncWebTarget
{
    private static readonly SemaphoreSlim s_gate = new(64, 64);

    public static int Run(int port, double seconds)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        WebApplication app = builder.Build();
        app.MapGet("/work", HandleAsync);
        app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine("listening"));
        app.RunAsync().Wait(TimeSpan.FromSeconds(seconds));
        return 0;
    }

    private static async Task<string> HandleAsync()
    {
        await s_gate.WaitAsync();
        try
        {
            return await LoadAsync(3);
        }
        finally
        {
            s_gate.Release();
        }
    }

    private static async Task<string> LoadAsync(int depth)
    {
        await Task.Yield();
        return depth == 0 ? "ok" : await LoadAsync(depth - 1);
    }
}
