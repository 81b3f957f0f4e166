using System.Diagnostics;
using Microsoft.Diagnostics.Tracing;
using Tracer.Engine.Analysis;
using Tracer.Engine.Collect;

namespace Tracer.PerfHarness;

/// <summary>Single measurements, each in a fresh process where memory matters.</summary>
internal static class Measurements
{
    /// <summary>
    /// CPU time used by this process (all its threads): unlike wall time it does not count time the machine gave to other
    /// processes, so ratios stay meaningful on a busy 2-core box. Both sides run in this process, one after the other.
    /// </summary>
    private sealed class CpuClock
    {
        private readonly TimeSpan _start = Process.GetCurrentProcess().TotalProcessorTime;

        public static CpuClock StartNew() => new();

        public TimeSpan Elapsed => Process.GetCurrentProcess().TotalProcessorTime - _start;
    }

    /// <summary>The reference: TraceEvent's EventPipeEventSource reading the file and counting every event.</summary>
    public static (long Events, TimeSpan Time) BareLoop(string path)
    {
        var clock = CpuClock.StartNew();
        long events = 0;
        using (var source = new EventPipeEventSource(path))
        {
            source.AllEvents += _ => events++;
            source.Process();
        }

        return (events, clock.Elapsed);
    }

    /// <summary>Ours: the full replay path (decode, model, every detector, report built).</summary>
    public static (long Events, TimeSpan Time, int Findings) FullAnalysis(string path)
    {
        var clock = CpuClock.StartNew();
        TraceAnalyzer analyzer = TraceFileAnalysis.Analyze(path);
        var report = Tracer.Engine.Reports.TraceReport.Build(analyzer.Model, analyzer.Findings.Snapshot(), path);
        return (analyzer.Model.TotalEvents, clock.Elapsed, report.Findings.Count);
    }

    /// <summary>Prints bare-loop and full-analysis rates on one file (for profiling the decoder).</summary>
    public static int CompareDecode(string path)
    {
        for (int i = 0; i < 5; i++)
        {
            var clock = CpuClock.StartNew();
            var noDetectors = new TraceAnalyzer(detectors: []);
            using (var stream = File.OpenRead(path))
            using (var decoder = new Tracer.Engine.Decoding.EventPipeDecoder(stream, noDetectors))
            {
                decoder.Process();
            }

            Console.WriteLine($"decode + model only: {noDetectors.Model.TotalEvents / clock.Elapsed.TotalSeconds / 1e6:F2} M/s ({clock.Elapsed.TotalMilliseconds:F0} ms)");
            (long e, TimeSpan t) = BareLoop(path);
            (long e2, TimeSpan t2, int findings) = FullAnalysis(path);
            Console.WriteLine($"bare {e / t.TotalSeconds / 1e6:F2} M/s ({t.TotalMilliseconds:F0} ms CPU)   ours {e2 / t2.TotalSeconds / 1e6:F2} M/s ({t2.TotalMilliseconds:F0} ms, {findings} findings)   ratio {t.TotalSeconds / t2.TotalSeconds:F2}");
        }

        return 0;
    }

    /// <summary>Child-process mode: analyze once and print "events N peak-bytes M" (VmHWM).</summary>
    public static int MeasureReport(string path)
    {
        (long events, _, _) = FullAnalysis(path);
        Console.WriteLine($"events {events} peak-bytes {PeakResidentBytes()}");
        return 0;
    }

    public static long PeakResidentBytes()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
            }
        }

        return Process.GetCurrentProcess().PeakWorkingSet64;
    }
}
