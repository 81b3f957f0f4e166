using System.Diagnostics;
using Tracer.Engine.Decoding;

namespace Tracer.PerfHarness;

/// <summary>
/// The cost of tracing a real service: requests/s of <see cref="WebTarget"/> under fixed loopback load
/// (<see cref="WebLoad"/>), untraced and traced by `dotnet-tracer collect` and by `dotnet-trace collect` with the same
/// providers, with and without CPU sampling, in alternating rounds on one long-running service. Prints a markdown table.
/// </summary>
internal static class WebBenchmark
{
    private static readonly TimeSpan s_warmUp = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan s_measure = TimeSpan.FromSeconds(8);

    private const string Sampler = RuntimeProviders.SampleProfiler;

    public static async Task<int> RunAsync(int rounds, int connections)
    {
        string work = Directory.CreateTempSubdirectory("tracer-web-").FullName;
        using Process service = Process.Start(Benchmarks.Start(Benchmarks.Harness(), "web-target"))!;
        try
        {
            string url = await FirstLineAsync(service.StandardOutput, "listening on ", TimeSpan.FromSeconds(30));
            url = url["listening on ".Length..].TrimEnd('/') + "/";
            Benchmarks.Log($"service pid {service.Id} at {url}; {rounds} rounds of {Configs.Length} configs, {connections} connections, {s_warmUp.TotalSeconds:0} s warm-up + {s_measure.TotalSeconds:0} s measured each");
            Func<double> cpu = () => CpuSeconds(service.Id);
            await WebLoad.RunAsync(url, connections, TimeSpan.Zero, TimeSpan.FromSeconds(5), cpu); // JIT and pools warm

            var results = Configs.ToDictionary(c => c.Name, _ => new List<double>());
            var cpuPerRequest = Configs.ToDictionary(c => c.Name, _ => new List<double>());
            for (int round = 0; round < rounds; round++)
            {
                for (int i = 0; i < Configs.Length; i++)
                {
                    Config config = Configs[(i + round) % Configs.Length]; // a different order each round
                    (double rps, double cpuMs) = await MeasureAsync(config, service.Id, url, connections, Path.Combine(work, $"{round}-{i}.nettrace"), cpu);
                    results[config.Name].Add(rps);
                    cpuPerRequest[config.Name].Add(cpuMs);
                    Benchmarks.Log($"  round {round + 1}: {config.Name,-52} {rps,8:N0} requests/s, {cpuMs * 1000,6:N0} µs service CPU per request; load {Load()}");
                }
            }

            double untraced = Median(results[Configs[0].Name]);
            double untracedCpu = Median(cpuPerRequest[Configs[0].Name]);
            Console.WriteLine();
            Console.WriteLine("| configuration | requests/s (median; each round) | throughput cost | service CPU per request (median; each round) | CPU cost |");
            Console.WriteLine("|---|---|---|---|---|");
            foreach (Config c in Configs)
            {
                double m = Median(results[c.Name]), cm = Median(cpuPerRequest[c.Name]);
                bool baseline = c.Tool == Tool.None;
                Console.WriteLine($"| {c.Name} | {m:N0} ({string.Join(" / ", results[c.Name].Select(r => r.ToString("N0")))}) | {(baseline ? "-" : (1 - (m / untraced)).ToString("P1"))} "
                    + $"| {cm * 1000:N0} µs ({string.Join(" / ", cpuPerRequest[c.Name].Select(r => (r * 1000).ToString("N0")))}) | {(baseline ? "-" : ((cm / untracedCpu) - 1).ToString("+0.0%;-0.0%"))} |");
            }

            return 0;
        }
        finally
        {
            service.Kill(entireProcessTree: true);
            Directory.Delete(work, recursive: true);
        }
    }

    private enum Tool { None, Ours, DotnetTrace }

    private sealed record Config(string Name, Tool Tool, string[] Arguments);

    /// <summary>What our attached sessions enable (LiveTraceSession), spelled for dotnet-trace; TPL only with --tasks.</summary>
    private static string OurProviders(bool tpl = false) => string.Join(",", [
        $"{RuntimeProviders.Runtime}:0x{RuntimeProviders.TracerKeywords | TplEventDecoder.ExceptionKeyword:x}:5",
        .. tpl ? new[] { $"{TplEventDecoder.TplProvider}:0x{TplEventDecoder.TplKeywords:x}:5" } : [],
        $"{RuntimeProviders.Probes}::4",
        $"{RuntimeProviders.RuntimeCounters}:0:4:EventCounterIntervalSec=1"]);

    private static readonly Config[] Configs =
    [
        new("untraced", Tool.None, []),
        new("dotnet-tracer collect", Tool.Ours, []),
        new("dotnet-trace collect, same providers", Tool.DotnetTrace, ["--providers", OurProviders()]),
        new("dotnet-tracer collect --cpu-sampling", Tool.Ours, ["--cpu-sampling"]),
        new("dotnet-trace collect, same providers + sampler", Tool.DotnetTrace, ["--providers", OurProviders() + "," + Sampler]),
        new("dotnet-tracer collect --tasks", Tool.Ours, ["--tasks"]),
        new("dotnet-trace collect, same providers + TPL", Tool.DotnetTrace, ["--providers", OurProviders(tpl: true)]),
    ];

    private static async Task<(double Rps, double CpuMs)> MeasureAsync(Config config, int pid, string url, int connections, string output, Func<double> cpu)
    {
        if (config.Tool == Tool.None)
        {
            return await WebLoad.RunAsync(url, connections, s_warmUp, s_measure, cpu);
        }

        int seconds = (int)(s_warmUp + s_measure).TotalSeconds + 3;
        ProcessStartInfo psi = config.Tool == Tool.Ours
            ? Benchmarks.Start(Benchmarks.TracerDll(), ["collect", "-p", pid.ToString(), "--no-tui", "--no-snapshot", "--duration", $"{seconds}s", "-o", output, .. config.Arguments])
            : Benchmarks.Start(Benchmarks.Dotnet(), ["tool", "run", "dotnet-trace", "--", "collect", "-p", pid.ToString(), "-o", output,
                "--duration", $"00:00:00:{seconds:00}", .. config.Arguments]);
        psi.RedirectStandardInput = true; // dotnet-trace reads keys from stdin
        using Process tracer = Process.Start(psi)!;
        Task<string> stdout = tracer.StandardOutput.ReadToEndAsync();
        Task<string> stderr = tracer.StandardError.ReadToEndAsync();
        await Task.Delay(TimeSpan.FromSeconds(1)); // the session starts; the warm-up absorbs the rest
        (double rps, double cpuMs) = await WebLoad.RunAsync(url, connections, s_warmUp, s_measure, cpu);
        await tracer.WaitForExitAsync();
        if (tracer.ExitCode != 0 || !File.Exists(output))
        {
            Benchmarks.Log($"  {config.Name} failed (exit {tracer.ExitCode}): {await stdout}{await stderr}");
            return (double.NaN, double.NaN);
        }

        return (rps, cpuMs);
    }

    /// <summary>utime + stime of <paramref name="pid"/> (/proc/PID/stat fields 14 and 15, clock ticks of 1/100 s).</summary>
    private static double CpuSeconds(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
    }

    private static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    private static async Task<string> FirstLineAsync(StreamReader reader, string prefix, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (await reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line;
            }
        }

        throw new InvalidOperationException("the web target exited before listening");
    }

    private static double Median(List<double> values) => values.Where(double.IsFinite).Order().ElementAtOrDefault(values.Count(double.IsFinite) / 2);
}
