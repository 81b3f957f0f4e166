using System.Diagnostics;
using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;

namespace Tracer.Demos.ProcessPool;

/// <summary>
/// A parent maps work over four worker processes. Each worker sums its slice, returns the sum over its stdout pipe,
/// and also counts its items into a counter shared by all workers in a memory-mapped file.
/// Bug: the shared counter is read-modified-written with no cross-process lock, so updates are lost.
/// Fix: a named Mutex (visible to every process on the machine) guards each update.
/// The tracer follows the workers (they inherit the diagnostic port) and shows the whole tree.
/// </summary>
public static class ProcessPoolDemo
{
    private const int Workers = 4;
    private const int ItemsPerWorker = 5_000;
    private const string WorkerVariable = "TRACER_DEMO_POOL_WORKER";

    public static int Run(bool fixedVariant)
    {
        string? worker = Environment.GetEnvironmentVariable(WorkerVariable);
        return worker is null ? RunParent(fixedVariant) : RunWorker(worker, fixedVariant);
    }

    private static int RunParent(bool fixedVariant)
    {
        string counterFile = Path.Combine(Path.GetTempPath(), $"tracer-pool-{Environment.ProcessId}.bin");
        File.WriteAllBytes(counterFile, new byte[8]);
        try
        {
            Console.WriteLine($"parent {Environment.ProcessId}: starting {Workers} worker processes, {ItemsPerWorker} items each");
            var workers = Enumerable.Range(0, Workers).Select(i => StartWorker(i, counterFile, fixedVariant)).ToList();
            foreach (Process w in workers)
            {
                ReadLineStartingWith(w.StandardOutput, "ready"); // every worker is up and has the counter mapped
            }

            foreach (Process w in workers)
            {
                w.StandardInput.WriteLine("go"); // all start together: the race window is real on every run
                w.StandardInput.Flush();
            }

            long total = 0;
            foreach (Process w in workers)
            {
                string? line = ReadLineStartingWith(w.StandardOutput, "worker "); // results come back over the pipe
                w.WaitForExit();
                Console.WriteLine($"parent: worker {w.Id} returned '{line}' and exited with code {w.ExitCode}");
                total += long.TryParse(line?.Split(' ').LastOrDefault(), out long partial) ? partial : 0;
            }

            int counted = ReadCounter(counterFile);
            int expected = Workers * ItemsPerWorker;
            Console.WriteLine($"parent: sum over pipes = {total}; shared counter = {counted}, expected {expected}" +
                (counted == expected ? " (no lost updates)" : $" ({expected - counted} updates LOST)"));
            return 0;
        }
        finally
        {
            File.Delete(counterFile);
        }
    }

    private static string? ReadLineStartingWith(StreamReader output, string prefix)
    {
        string? line;
        while ((line = output.ReadLine()) is not null && !line.StartsWith(prefix, StringComparison.Ordinal))
        {
            // skip the worker's banner
        }

        return line;
    }

    private static Process StartWorker(int index, string counterFile, bool fixedVariant)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        // Run this same demo assembly again, in worker mode.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            info.ArgumentList.Add(typeof(ProcessPoolDemo).Assembly.Location);
        }

        info.ArgumentList.Add("process-pool");
        if (fixedVariant)
        {
            info.ArgumentList.Add("--fixed");
        }

        info.Environment[WorkerVariable] = $"{index}|{counterFile}";
        return Process.Start(info)!;
    }

    private static int RunWorker(string spec, bool fixedVariant)
    {
        string[] parts = spec.Split('|', 2);
        int index = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        using var map = MemoryMappedFile.CreateFromFile(parts[1], FileMode.Open, null, 8, MemoryMappedFileAccess.ReadWrite);
        using MemoryMappedViewAccessor counter = map.CreateViewAccessor(0, 8);
        using Mutex? guard = fixedVariant ? new Mutex(false, $"tracer-pool-{Path.GetFileName(parts[1])}") : null;
        Console.WriteLine("ready");
        Console.Out.Flush();
        Console.ReadLine(); // wait for "go"
        if (Environment.GetEnvironmentVariable("TRACER_DEMO_POOL_CRASH_WORKER") == parts[0])
        {
            // For the tracer's own tests: a worker that dies mid-run must not spoil the rest of the trace.
            Environment.FailFast($"worker {index} crashes on purpose");
        }

        long sum = 0;
        for (int item = 0; item < ItemsPerWorker; item++)
        {
            sum += Work(index * ItemsPerWorker + item);
            CountItem(counter, guard);
        }

        Console.WriteLine($"worker {index} sum {sum}");
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Work(int item) => (long)item * item % 1_000_003;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CountItem(MemoryMappedViewAccessor counter, Mutex? guard)
    {
        guard?.WaitOne();
        try
        {
            int value = counter.ReadInt32(0);
            Thread.SpinWait(200); // the read-modify-write window another process can fall into
            counter.Write(0, value + 1);
        }
        finally
        {
            guard?.ReleaseMutex();
        }
    }

    private static int ReadCounter(string file)
    {
        using var map = MemoryMappedFile.CreateFromFile(file, FileMode.Open, null, 8, MemoryMappedFileAccess.Read);
        using MemoryMappedViewAccessor view = map.CreateViewAccessor(0, 8, MemoryMappedFileAccess.Read);
        return view.ReadInt32(0);
    }
}
