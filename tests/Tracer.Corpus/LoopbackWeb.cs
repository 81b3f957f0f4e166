using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Tracer.Corpus;

/// <summary>
/// The web programs' shared shape: a Kestrel server on 127.0.0.1 (a free port, loopback only) with the default
/// console logging at Information, loaded by the program itself once it serves; when the load is done the host is
/// stopped, so <c>app.Run()</c> on the main thread returns as in a real service that is shut down.
/// </summary>
internal static class LoopbackWeb
{
    public static WebApplicationBuilder CreateBuilder(LogLevel logLevel = LogLevel.Information)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole();
        builder.Logging.SetMinimumLevel(logLevel);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5)); // a starved app still stops
        return builder;
    }

    /// <summary>Runs the app on the calling thread (as <c>app.Run()</c> in Program.cs) while <paramref name="load"/> runs against it.</summary>
    public static int RunWithLoad(WebApplication app, Func<Uri, Task<string>> load)
    {
        int exitCode = 0;
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            Uri server = ServerAddress(app);
            Console.WriteLine($"ready {server}");
            _ = Task.Run(async () =>
            {
                try
                {
                    Console.WriteLine($"load done: {await load(server)}");
                }
                catch (Exception e)
                {
                    Console.Error.WriteLine($"load failed: {e}");
                    exitCode = 1;
                }
                finally
                {
                    app.Lifetime.StopApplication();
                }
            });
        });
        app.Run();
        return exitCode;
    }

    private static Uri ServerAddress(WebApplication app)
    {
        IServerAddressesFeature addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        return new Uri(addresses.Addresses.First());
    }
}
