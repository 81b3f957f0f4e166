using System.Diagnostics;
using System.IO.MemoryMappedFiles;

namespace Tracer.Demos.ProcessIsolation;

/// <summary>
/// Processes: sharing data. The parent starts four child processes (this program again, in child mode); each adds
/// 1,000 to "the counter". Bug: each child has its own copy of the counter (processes share no memory), so the parent
/// still sees 0. Fix: each child sends its result back over its stdout pipe and the parent adds them up; and, for a
/// counter that really is shared, the children add to a number in a memory-mapped file, guarded by a named Mutex
/// (a lock that works across processes).
/// </summary>
public static class ProcessIsolationDemo
{
    private const int Children = 4;
    private const int Increments = 1000;

    /// <summary>The counter the buggy children believe they share with the parent.</summary>
    private static int s_counter;

    public static int Run(bool fixedVariant)
    {
        Console.WriteLine($"starting {Children} child processes; each adds {Increments} to the counter");
        string sharedFile = Path.Combine(Path.GetTempPath(), $"tracer-demo-counter-{Environment.ProcessId}.bin");
        string mutexName = $"tracer-demo-counter-{Environment.ProcessId}";
        try
        {
            if (fixedVariant)
            {
                File.WriteAllBytes(sharedFile, new byte[sizeof(long)]);
            }

            var children = new List<Process>();
            for (int i = 0; i < Children; i++)
            {
                children.Add(StartChild(i, fixedVariant ? ["--fixed", sharedFile, mutexName] : []));
            }

            long viaPipes = 0;
            foreach (Process child in children)
            {
                using (child)
                {
                    string output = child.StandardOutput.ReadToEnd(); // the pipe from the child
                    child.WaitForExit();
                    Console.Write(output);
                    if (fixedVariant && long.TryParse(output.Split('=').LastOrDefault()?.Trim(), out long result))
                    {
                        viaPipes += result;
                    }
                }
            }

            Console.WriteLine($"parent: my counter is {s_counter} (expected {Children * Increments} if memory were shared)");
            if (!fixedVariant)
            {
                Console.WriteLine("each child changed its own copy; nothing came back. Run with --fixed to send results back");
                return 0;
            }

            long shared = ReadShared(sharedFile);
            Console.WriteLine($"parent: sum of the results the children sent over pipes = {viaPipes}");
            Console.WriteLine($"parent: shared counter in the memory-mapped file = {shared}");
            return viaPipes == Children * Increments && shared == Children * Increments ? 0 : 1;
        }
        finally
        {
            File.Delete(sharedFile);
        }
    }

    /// <summary>Child mode: `process-isolation --child N [--fixed FILE MUTEX]`.</summary>
    public static int RunChild(IReadOnlyList<string> args)
    {
        int child = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
        for (int i = 0; i < Increments; i++)
        {
            s_counter++; // this process's own copy
        }

        if (args.Count >= 4 && args[1] == "--fixed")
        {
            AddToShared(args[2], args[3], s_counter);
            Console.WriteLine($"child {child} (pid {Environment.ProcessId}): added {s_counter} to the shared counter; result={s_counter}");
        }
        else
        {
            Console.WriteLine($"child {child} (pid {Environment.ProcessId}): my counter is {s_counter}");
        }

        return 0;
    }

    private static Process StartChild(int index, string[] extra)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            info.ArgumentList.Add(DemoCatalog.AssemblyPath);
        }

        foreach (string a in (string[])["process-isolation", "--child", index.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extra])
        {
            info.ArgumentList.Add(a);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("could not start a child process");
    }

    private static void AddToShared(string file, string mutexName, long amount)
    {
        using var mutex = new Mutex(false, mutexName);
        using MemoryMappedFile map = MemoryMappedFile.CreateFromFile(file, FileMode.Open, null, sizeof(long), MemoryMappedFileAccess.ReadWrite);
        using MemoryMappedViewAccessor view = map.CreateViewAccessor(0, sizeof(long));
        mutex.WaitOne(); // read-add-write must not interleave with another child's
        try
        {
            view.Write(0, view.ReadInt64(0) + amount);
        }
        finally
        {
            mutex.ReleaseMutex();
        }
    }

    private static long ReadShared(string file)
    {
        using MemoryMappedFile map = MemoryMappedFile.CreateFromFile(file, FileMode.Open, null, sizeof(long), MemoryMappedFileAccess.Read);
        using MemoryMappedViewAccessor view = map.CreateViewAccessor(0, sizeof(long), MemoryMappedFileAccess.Read);
        return view.ReadInt64(0);
    }
}
