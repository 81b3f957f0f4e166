using System.Diagnostics;
using Tracer.Engine.Analysis;
using Tracer.Engine.Collect;

namespace Tracer.Engine.Tests.Reliability;

/// <summary>
/// A trace file is untrusted input. Mutations of a real trace (cuts, flipped bytes, duplicated blocks, huge sizes,
/// zero length, foreign files) must give either a report of what was readable or one clear user error — never
/// another exception, a hang, or a memory blow-up.
/// </summary>
public sealed class CorruptTraceFuzzTests
{
    private const int Cases = 1000;
    private static readonly TimeSpan s_perFileTimeout = TimeSpan.FromSeconds(20);
    private static readonly string s_seedPath = Path.Combine(AppContext.BaseDirectory, "fixtures", "fuzz-seed-dining.nettrace");

    [Fact]
    public async Task A_thousand_mutated_traces_never_crash_hang_or_blow_up()
    {
        byte[] seed = await File.ReadAllBytesAsync(s_seedPath);
        string dir = Directory.CreateTempSubdirectory("tracer-fuzz-").FullName;
        var random = new Random(20261126); // fixed: a failure names its case and reproduces
        var outcomes = new Dictionary<string, int>();
        long peakManagedBytes = 0;
        try
        {
            for (int i = 0; i < Cases; i++)
            {
                (string kind, byte[] bytes) = Mutate(seed, random, i);
                string path = Path.Combine(dir, $"case-{i}.nettrace");
                await File.WriteAllBytesAsync(path, bytes);

                Task<string> run = Task.Run(() => Outcome(path));
                if (await Task.WhenAny(run, Task.Delay(s_perFileTimeout)) != run)
                {
                    Assert.Fail($"case {i} ({kind}) did not finish within {s_perFileTimeout.TotalSeconds} s");
                }

                string outcome = await run; // rethrows anything that is not a documented outcome
                string key = $"{kind}: {outcome}";
                outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
                peakManagedBytes = Math.Max(peakManagedBytes, GC.GetTotalMemory(false));
                GC.Collect(); // each case is measured on its own
                File.Delete(path);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        Assert.True(peakManagedBytes < 1L << 30, $"managed memory peaked at {peakManagedBytes >> 20} MiB");
        // The mix proves the mutations exercise both paths: some still read as (partial) traces, some are rejected.
        Assert.Contains(outcomes.Keys, k => k.EndsWith("report", StringComparison.Ordinal) || k.EndsWith("partial report", StringComparison.Ordinal));
        Assert.Contains(outcomes.Keys, k => k.EndsWith("rejected", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cut_trace_says_at_which_byte_reading_stopped()
    {
        byte[] seed = File.ReadAllBytes(s_seedPath);
        string path = Path.Combine(Path.GetTempPath(), $"tracer-cut-{Guid.NewGuid():N}.nettrace");
        File.WriteAllBytes(path, seed[..(seed.Length / 2)]);
        try
        {
            TraceAnalyzer analyzer = TraceFileAnalysis.Analyze(path);
            Assert.True(analyzer.Model.Truncated);
            Assert.InRange(analyzer.Model.TruncatedAtByte, 1, seed.Length / 2);
            Assert.Contains(analyzer.Model.Notes, n => n.Contains($"byte {analyzer.Model.TruncatedAtByte:N0}", StringComparison.Ordinal));
            Assert.True(analyzer.Model.TotalEvents > 0, "what was readable is kept");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Outcome(string path)
    {
        try
        {
            TraceAnalyzer analyzer = TraceFileAnalysis.Analyze(path);
            _ = Tracer.Engine.Reports.TraceReport.Build(analyzer.Model, analyzer.Findings.Snapshot(), path);
            return analyzer.Model.Truncated ? "partial report" : "report";
        }
        catch (TracerUserException ex)
        {
            Assert.DoesNotContain('\n', ex.Message); // one clear line
            return "rejected";
        }
    }

    private static (string Kind, byte[] Bytes) Mutate(byte[] seed, Random random, int index)
    {
        byte[] copy = (byte[])seed.Clone();
        switch (index % 7)
        {
            case 0:
                return ("truncated", copy[..random.Next(0, copy.Length)]);
            case 1:
                for (int flips = random.Next(1, 20); flips > 0; flips--)
                {
                    copy[random.Next(copy.Length)] ^= (byte)random.Next(1, 256);
                }

                return ("flipped", copy);
            case 2:
            {
                int start = random.Next(copy.Length), length = random.Next(1, Math.Min(65536, copy.Length - start + 1));
                int at = random.Next(copy.Length);
                return ("duplicated", [.. copy[..at], .. copy.AsSpan(start, Math.Min(length, copy.Length - start)), .. copy[at..]]);
            }

            case 3:
                for (int sizes = random.Next(1, 6); sizes > 0; sizes--)
                {
                    int at = random.Next(copy.Length - 4) & ~3;
                    BitConverter.TryWriteBytes(copy.AsSpan(at), random.Next(2) == 0 ? int.MaxValue : -1);
                }

                return ("huge-size", copy);
            case 4:
                return ("zero-length", []);
            case 5:
            {
                byte[] noise = new byte[random.Next(1, 4096)];
                random.NextBytes(noise);
                return ("foreign", noise);
            }

            default:
            {
                // Header kept, the rest replaced by noise from a random point.
                int from = random.Next(8, copy.Length);
                random.NextBytes(copy.AsSpan(from));
                return ("noise-tail", copy);
            }
        }
    }
}
