using System.Runtime.CompilerServices;

namespace Tracer.Demos.Hangs;

/// <summary>
/// Bug: Monitor.Enter without try/finally. A bad record throws between Enter and Exit, the exception is caught further
/// up, and the thread moves on while still holding the lock. Every later caller piles up waiting for it.
/// Fixed: `lock (gate)` (Enter/Exit in try/finally).
/// </summary>
public static class LockLeakDemo
{
    private static readonly object s_gate = new();
    private static int s_total;

    public static int Run(bool fixedVariant)
    {
        using var leaked = new ManualResetEventSlim();
        var faulty = new Thread(() =>
        {
            Try(() => Add(-1, fixedVariant));
            leaked.Set();
            // The thread carries on with other work, the lock still held (bug variant).
            for (int i = 0; i < (fixedVariant ? 1 : 10_000); i++)
            {
                Thread.Sleep(20);
            }
        }) { Name = "importer", IsBackground = true };
        faulty.Start();
        leaked.Wait();
        Console.WriteLine("the importer hit a bad record; now three writers add records");
        var writers = Enumerable.Range(0, 3).Select(w => new Thread(() => Add(w + 1, fixedVariant)) { Name = $"writer-{w}" }).ToList();
        writers.ForEach(t => t.Start());
        writers.ForEach(t => t.Join());
        Console.WriteLine($"total = {s_total}");
        return 0;
    }

    private static void Try(Action action)
    {
        try
        {
            action();
        }
        catch (InvalidDataException ex)
        {
            Console.WriteLine($"record rejected: {ex.Message}");
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Add(int record, bool fixedVariant)
    {
        if (fixedVariant)
        {
            lock (s_gate)
            {
                Validate(record);
                s_total += record;
            }

            return;
        }

        Monitor.Enter(s_gate);
        Validate(record); // throws for a bad record: Exit below never runs
        s_total += record;
        Monitor.Exit(s_gate);
    }

    private static void Validate(int record)
    {
        if (record < 0)
        {
            throw new InvalidDataException($"negative record {record}");
        }
    }
}
