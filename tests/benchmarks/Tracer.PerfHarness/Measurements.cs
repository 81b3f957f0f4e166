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

    /// <summary>Our nettrace reader alone: every event read and dispatched in order, nothing decoded.</summary>
    public static (long Events, TimeSpan Time) ReaderOnly(string path)
    {
        var clock = CpuClock.StartNew();
        var counter = new CountingSink();
        using (var stream = File.OpenRead(path))
        {
            new Tracer.Engine.Decoding.Nettrace.NettraceReader(stream).Process(counter);
        }

        return (counter.Events, clock.Elapsed);
    }

    /// <summary>
    /// Prints, per round, our reader alone, decode + model (no detectors), the bare TraceEvent loop and the full analysis,
    /// then the best (least CPU) of each over all rounds and the ratio of the bests (for profiling the decoder).
    /// </summary>
    public static int CompareDecode(string path, int rounds)
    {
        TimeSpan bestReader = TimeSpan.MaxValue, bestModel = TimeSpan.MaxValue, bestDetectors = TimeSpan.MaxValue, bestBare = TimeSpan.MaxValue, bestOurs = TimeSpan.MaxValue;
        long events = 0, bareEvents = 0;
        for (int i = 0; i < rounds; i++)
        {
            (long re, TimeSpan rt) = ReaderOnly(path);
            var clock = CpuClock.StartNew();
            var noDetectors = new TraceAnalyzer(detectors: []);
            using (var stream = File.OpenRead(path))
            using (var decoder = new Tracer.Engine.Decoding.EventPipeDecoder(stream, noDetectors))
            {
                decoder.Process();
            }

            TimeSpan model = clock.Elapsed;
            clock = CpuClock.StartNew();
            var withDetectors = new TraceAnalyzer();
            using (var stream = File.OpenRead(path))
            using (var decoder = new Tracer.Engine.Decoding.EventPipeDecoder(stream, withDetectors))
            {
                decoder.Process();
            }

            TimeSpan detectors = clock.Elapsed;
            (bareEvents, TimeSpan t) = BareLoop(path);
            (events, TimeSpan t2, int findings) = FullAnalysis(path);
            Console.WriteLine($"reader alone {rt.TotalMilliseconds:F0} ms   decode + model {model.TotalMilliseconds:F0} ms   + detectors {detectors.TotalMilliseconds:F0} ms   " +
                $"bare {t.TotalMilliseconds:F0} ms   ours {t2.TotalMilliseconds:F0} ms ({findings} findings)   ratio {t.TotalSeconds / t2.TotalSeconds:F2}");
            bestReader = Min(bestReader, rt);
            bestModel = Min(bestModel, model);
            bestDetectors = Min(bestDetectors, detectors);
            bestBare = Min(bestBare, t);
            bestOurs = Min(bestOurs, t2);
        }

        Console.WriteLine($"best of {rounds} (CPU): reader alone {Rate(events, bestReader)}, decode + model {Rate(events, bestModel)}, + detectors {Rate(events, bestDetectors)}, " +
            $"bare TraceEvent loop {Rate(bareEvents, bestBare)} ({bareEvents:N0} events), full analysis {Rate(events, bestOurs)} ({events:N0} events): " +
            $"ratio {bestBare.TotalSeconds / bestOurs.TotalSeconds:F2}");
        return 0;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static string Rate(long events, TimeSpan time) => $"{events / time.TotalSeconds / 1e6:F2} M/s ({time.TotalMilliseconds:F0} ms)";

    /// <summary>The full analysis <paramref name="times"/> times and nothing else, for a profiler.</summary>
    public static int AnalyseRepeatedly(string path, int times)
    {
        for (int i = 0; i < times; i++)
        {
            long allocated = GC.GetTotalAllocatedBytes();
            int gen0 = GC.CollectionCount(0), gen2 = GC.CollectionCount(2);
            (long events, TimeSpan time, _) = FullAnalysis(path);
            Console.WriteLine($"{events / time.TotalSeconds / 1e6:F2} M/s ({time.TotalMilliseconds:F0} ms CPU), " +
                $"{(GC.GetTotalAllocatedBytes() - allocated) >> 20} MiB allocated, {GC.CollectionCount(0) - gen0} gen0 / {GC.CollectionCount(2) - gen2} gen2 GCs");
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

    private sealed class CountingSink : Tracer.Engine.Decoding.IRawEventSink
    {
        public long Events;

        public void OnEvent(in Tracer.Engine.Decoding.RawEvent e) => Events++;

        public void BeginBatch()
        {
        }

        public void EndBatch()
        {
        }
    }
}
