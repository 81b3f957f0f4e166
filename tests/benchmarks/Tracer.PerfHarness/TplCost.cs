using System.Diagnostics;
using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Tracer.Engine.Decoding;

namespace Tracer.PerfHarness;

/// <summary>
/// What TplEventSource costs a web app: requests/s of <see cref="AsyncWebTarget"/> under a fixed HTTP load, untraced, then
/// with an EventPipe session of the runtime's lock/thread events alone, then those plus the task events the tool turns
/// on (Tasks | TaskStops), then plus the causality and AsyncMethod keywords, then under `dotnet-tracer collect` itself.
/// Sessions here drain their stream without decoding; rounds alternate so load from others hits every configuration.
/// </summary>
internal static class TplCost
{
    private const int Port = 5791;
    private const int Connections = 32;

    public static async Task<int> RunAsync(double secondsEach, int rounds)
    {
        using Process target = Process.Start(new ProcessStartInfo(Dotnet(), [typeof(TplCost).Assembly.Location, "async-web-target", Port.ToString(), "3600"])
        {
            RedirectStandardOutput = true,
        })!;
        try
        {
            while (await target.StandardOutput.ReadLineAsync() is string line && line != "listening")
            {
            }

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}") };
            await LoadAsync(http, 3); // JIT and pool warm-up
            var results = new Dictionary<string, List<double>>();
            (string Name, long? Tpl)[] configs =
            [
                ("untraced", null), ("runtime events only", 0), ("+ TaskStops only", 0x40), ("+ Tasks|TaskStops (the tool's default)", TplEventDecoder.TplKeywords),
                ("+ TaskTransfer|causality|AsyncMethod", 0x1FF),
            ];
            for (int round = 0; round < rounds; round++)
            {
                foreach ((string name, long? tpl) in configs)
                {
                    using EventPipeSession? session = tpl is long keywords ? Start(target.Id, keywords) : null;
                    Task drain = session is null ? Task.CompletedTask : session.EventStream.CopyToAsync(Stream.Null);
                    double rps = await LoadAsync(http, secondsEach);
                    session?.Stop();
                    await drain.ConfigureAwait(false);
                    (results.TryGetValue(name, out List<double>? list) ? list : results[name] = []).Add(rps);
                }

                double tool = await UnderToolAsync(http, target.Id, secondsEach);
                (results.TryGetValue("dotnet-tracer collect", out List<double>? t) ? t : results["dotnet-tracer collect"] = []).Add(tool);
            }

            double baseline = Median(results["untraced"]);
            Console.WriteLine($"| configuration | requests/s (median of {rounds}) | vs untraced |");
            Console.WriteLine("|---|---|---|");
            foreach ((string name, List<double> values) in results)
            {
                Console.WriteLine($"| {name} | {Median(values):F0} | {Median(values) / baseline:P0} |");
            }

            return 0;
        }
        finally
        {
            target.Kill();
        }
    }

    private static EventPipeSession Start(int pid, long tplKeywords)
    {
        var providers = new List<EventPipeProvider>
        {
            new("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, 0x40040014018 | TplEventDecoder.ExceptionKeyword),
        };
        if (tplKeywords != 0)
        {
            providers.Add(new EventPipeProvider(TplEventDecoder.TplProvider, EventLevel.Verbose, tplKeywords));
        }

        return new DiagnosticsClient(pid).StartEventPipeSession(providers, requestRundown: false, circularBufferMB: 256);
    }

    private static async Task<double> UnderToolAsync(HttpClient http, int pid, double seconds)
    {
        string trace = Path.Combine(Path.GetTempPath(), $"tpl-cost-{Environment.ProcessId}.nettrace");
        using Process tool = Process.Start(new ProcessStartInfo(Dotnet(), [Path.Combine(AppContext.BaseDirectory, "dotnet-tracer.dll"),
            "collect", "-p", pid.ToString(), "--no-tui", "--no-snapshot", "-o", trace, "--duration", $"{seconds + 4}s"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        await Task.Delay(TimeSpan.FromSeconds(2)); // session started
        double rps = await LoadAsync(http, seconds);
        await tool.WaitForExitAsync();
        File.Delete(trace);
        File.Delete(trace + ".meta.json");
        return rps;
    }

    /// <summary>Requests/s with <see cref="Connections"/> concurrent request loops for <paramref name="seconds"/>.</summary>
    private static async Task<double> LoadAsync(HttpClient http, double seconds)
    {
        long done = 0;
        var clock = Stopwatch.StartNew();
        TimeSpan until = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(async _ =>
        {
            while (clock.Elapsed < until)
            {
                using HttpResponseMessage response = await http.GetAsync("/work").ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                Interlocked.Increment(ref done);
            }
        }));
        return done / clock.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static string Dotnet() => Tracer.Engine.Collect.LaunchedProcess.DotnetHost();
}
