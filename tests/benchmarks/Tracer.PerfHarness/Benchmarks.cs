using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Tracer.PerfHarness;

/// <summary>
/// Every benchmark of docs/performance.md in one run, ours beside the reference measured in the same run
/// (these machines are noisy: only ratios from one run mean something). Prints a markdown table.
/// </summary>
internal static partial class Benchmarks
{
    private const string Keywords = "0x40040014018"; // Contention | Threading | WaitHandle | Stack | Loader | JIT

    public static async Task<int> RunAllAsync(string[] args)
    {
        long targetEvents = args.SkipWhile(a => a != "--events").Skip(1).Select(long.Parse).FirstOrDefault(1_000_000);
        string work = Directory.CreateTempSubdirectory("tracer-perf-").FullName;
        var rows = new List<string>();
        try
        {
            string trace = await GenerateTraceAsync(work, targetEvents);
            rows.AddRange(Decode(trace));
            rows.AddRange(await MemoryAsync(trace));
            rows.AddRange(await OverheadAsync(work));
            rows.AddRange(await FirstFindingAsync(work));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        Console.WriteLine();
        Console.WriteLine("| benchmark | ours | reference (same run) | ratio | target |");
        Console.WriteLine("|---|---|---|---|---|");
        rows.ForEach(Console.WriteLine);
        return 0;
    }

    private static async Task<string> GenerateTraceAsync(string work, long targetEvents)
    {
        string trace = Path.Combine(work, "convoy.nettrace");
        for (double seconds = 10; ; seconds *= 1.5)
        {
            Log($"generating a convoy trace ({seconds} s of 8 threads) ...");
            (int code, string output) = await RunAsync(TracerDll(), "run", "--no-tui", "--format", "json", "-o", trace, "--", Harness(), "convoy-target", "8", seconds.ToString());
            long events = long.Parse(EventsField().Match(output).Groups[1].Value);
            Log($"  {events:N0} events, {new FileInfo(trace).Length / 1048576.0:F1} MiB (exit {code})");
            if (events >= targetEvents || seconds > 40)
            {
                return trace;
            }
        }
    }

    private static IEnumerable<string> Decode(string trace)
    {
        Log("decode + analyse vs bare EventPipeEventSource loop (5 alternating runs after a warm-up, best CPU time of each) ...");
        Measurements.BareLoop(trace); // warm both paths (JIT, page cache)
        Measurements.FullAnalysis(trace);
        var bare = new List<double>();
        var ours = new List<double>();
        long events = 0;
        for (int i = 0; i < 5; i++)
        {
            (long e, TimeSpan t) = Measurements.BareLoop(trace);
            bare.Add(e / t.TotalSeconds);
            (long e2, TimeSpan t2, _) = Measurements.FullAnalysis(trace);
            ours.Add(e2 / t2.TotalSeconds);
            events = e;
        }

        double b = bare.Max(), o = ours.Max(); // best rate = least disturbed run
        yield return $"| decode + analyse, {events:N0} events (per CPU second) | {o / 1e6:F2} M events/s | {b / 1e6:F2} M events/s (bare TraceEvent loop) | {o / b:F2}x | >= 0.8x |";
    }

    private static async Task<IEnumerable<string>> MemoryAsync(string trace)
    {
        Log("peak memory of report (separate process) ...");
        (_, string output) = await RunAsync(Harness(), "measure-report", trace);
        Match m = PeakField().Match(output);
        long events = long.Parse(m.Groups[1].Value), peak = long.Parse(m.Groups[2].Value);
        return [$"| report peak RSS | {peak / 1048576.0:F0} MiB = {(double)peak / events:F0} B/event | - | - | < 300 B/event |"];
    }

    private static async Task<IEnumerable<string>> OverheadAsync(string work)
    {
        Log("target overhead: contended-lock throughput untraced / dotnet-trace / dotnet-tracer, 3 rounds, median ...");
        string[] target = [Harness(), "spin-target", "4", "4"];
        var untraced = new List<double>();
        var byDotnetTrace = new List<double>();
        var byUs = new List<double>();
        for (int round = 0; round < 3; round++)
        {
            untraced.Add(Ops((await RunAsync(Dotnet(), target)).Output));
            (int traceCode, string traceOut) = await RunAsync(Dotnet(), ["tool", "run", "dotnet-trace", "--", "collect", "--show-child-io",
                "--providers", $"Microsoft-Windows-DotNETRuntime:{Keywords}:5", "-o", Path.Combine(work, "ref.nettrace"), "--", Dotnet(), .. target]);
            byDotnetTrace.Add(traceCode == 0 ? Ops(traceOut) : double.NaN);
            byUs.Add(Ops((await RunAsync(TracerDll(), ["run", "--no-tui", "-o", Path.Combine(work, "ours.nettrace"), "--", .. target])).Output));
        }

        double u = Median(untraced), r = Median(byDotnetTrace), o = Median(byUs);
        double refSlowdown = 1 - r / u, ourSlowdown = 1 - o / u;
        return [$"| target slowdown (4 threads on one lock, median of 3) | {ourSlowdown:P1} ({o:N0} ops) | {refSlowdown:P1} with dotnet-trace ({r:N0} ops; untraced {u:N0}) | {(ourSlowdown - refSlowdown) * 100:+0.0;-0.0} points | <= dotnet-trace + 5 points |"];
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static async Task<IEnumerable<string>> FirstFindingAsync(string work)
    {
        Log("time from deadlock to finding (dining demo, live) ...");
        var psi = Start(TracerDll(), "demo", "dining-philosophers", "--no-tui", "-o", Path.Combine(work, "dining.nettrace"));
        using var process = Process.Start(psi)!;
        var clock = Stopwatch.StartNew();
        double sessionAt = double.NaN, foundAt = double.NaN, closedMs = double.NaN;
        while (await process.StandardError.ReadLineAsync() is { } line)
        {
            if (line.Contains(" into ", StringComparison.Ordinal) && double.IsNaN(sessionAt))
            {
                sessionAt = clock.Elapsed.TotalMilliseconds;
            }

            Match found = FoundLine().Match(line);
            if (found.Success)
            {
                foundAt = clock.Elapsed.TotalMilliseconds;
                closedMs = double.Parse(found.Groups[1].Value) * 1000;
            }
        }

        await process.WaitForExitAsync();
        double latency = foundAt - sessionAt - closedMs;
        return [$"| time to first finding (deadlock closes -> printed) | {latency:F0} ms | EventPipe flush period ~100 ms | - | < 1000 ms |"];
    }

    private static double Ops(string output) => OpsField().Match(output) is { Success: true } m ? double.Parse(m.Groups[1].Value) : double.NaN;


    internal static string Harness() => typeof(Benchmarks).Assembly.Location;

    internal static string TracerDll() => Path.Combine(AppContext.BaseDirectory, "dotnet-tracer.dll");

    internal static string Dotnet() => Tracer.Engine.Collect.LaunchedProcess.DotnetHost();

    internal static ProcessStartInfo Start(string file, params string[] args)
    {
        bool dll = file.EndsWith(".dll", StringComparison.Ordinal);
        var psi = new ProcessStartInfo(dll ? Dotnet() : file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.WorkingDirectory = RepoRoot();
        if (dll)
        {
            psi.ArgumentList.Add(file);
        }

        args.ToList().ForEach(psi.ArgumentList.Add);
        return psi;
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        using var process = Process.Start(Start(file, args))!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + "\n" + await stderr);
    }

    private static string RepoRoot()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "Tracer.sln")))
            {
                return dir;
            }
        }

        return Environment.CurrentDirectory;
    }

    internal static void Log(string line) => Console.Error.WriteLine(line);

    [GeneratedRegex("\"events\": (\\d+)")]
    private static partial Regex EventsField();

    [GeneratedRegex(@"events (\d+) peak-bytes (\d+)")]
    private static partial Regex PeakField();

    [GeneratedRegex(@"ops (\d+)")]
    private static partial Regex OpsField();

    [GeneratedRegex(@"deadlock found at ([\d.]+) s")]
    private static partial Regex FoundLine();
}
