using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Tracer.HangTargets;

/// <summary>What CPU samples and GC events show: a thread spinning next to healthy busy and sleeping ones, and a process
/// its GC stops for long.</summary>
internal static class Signals
{
    private static volatile bool s_flag;
    private static long s_work;

    /// <summary>"spinner" spins on a flag nobody sets; "worker" does varied real work (hashing, sorting, strings) and
    /// "sleeper" naps in a Thread.Sleep loop, forever; the main thread joins the spinner.</summary>
    public static int Spin()
    {
        s_flag = Environment.GetEnvironmentVariable("TRACER_SET_FLAG") == "1"; // nobody sets it (a spin that ends at once otherwise)
        var spinner = new Thread(() =>
        {
            Console.WriteLine("blocking: spinner spins on a flag nobody sets");
            while (!s_flag)
            {
                // nothing: a busy wait
            }
        }) { Name = "spinner" };
        var worker = new Thread(Work) { Name = "worker", IsBackground = true };
        var sleeper = new Thread(() =>
        {
            Console.WriteLine("blocking: sleeper naps in a loop");
            while (true)
            {
                Thread.Sleep(20);
            }
        }) { Name = "sleeper", IsBackground = true };
        worker.Start();
        sleeper.Start();
        spinner.Start();
        spinner.Join();
        return 0;
    }

    /// <summary>Builds a gen2 heap of many small objects, then forces a full blocking compacting GC every half second,
    /// printing each one's pause ("gc: ..."), until killed. (Back to back, a tracer could not even start its session.)</summary>
    public static int GcPause(int millions)
    {
        var heap = new List<Node[]>();
        for (int i = 0; i < millions; i++)
        {
            var chunk = new Node[1_000_000];
            for (int j = 0; j < chunk.Length; j++)
            {
                chunk[j] = new Node { Value = j, Next = j > 0 ? chunk[j - 1] : null };
            }

            heap.Add(chunk);
        }

        Console.WriteLine($"heap: {GC.GetTotalMemory(false) / 1048576} MiB in {millions} M objects");
        while (true)
        {
            var clock = Stopwatch.StartNew();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            Console.WriteLine($"gc: a full blocking GC took {clock.ElapsedMilliseconds} ms (heap {heap.Count})");
            Thread.Sleep(500);
        }
    }

    private static void Work()
    {
        Console.WriteLine("blocking: worker works (not blocking: busy, healthy)");
        var random = new Random(1);
        byte[] buffer = new byte[4096];
        while (true)
        {
            random.NextBytes(buffer);
            byte[] hash = SHA256.HashData(buffer);
            var words = new List<string>();
            for (int i = 0; i < 200; i++)
            {
                words.Add(Convert.ToHexString(hash, i % 16, 8) + random.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            words.Sort(StringComparer.Ordinal);
            var text = new StringBuilder();
            foreach (string w in words)
            {
                text.Append(w.ToLowerInvariant()).Append(' ');
            }

            s_work += text.ToString().Split(' ').Distinct().Count();
        }
    }

    private sealed class Node
    {
        public long Value { get; init; }
        public Node? Next { get; init; }
    }
}
