using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Tracer.Demos.MutexAcrossProcesses;

/// <summary>
/// Two processes, two named Mutexes (visible machine-wide). Bug: the parent takes "ledger" then wants "journal"; its
/// child takes "journal" then wants "ledger". A pipe hand-off makes both hold their first mutex before either asks for
/// its second, so both processes block in WaitOne forever, on every run. Fix: both take the mutexes in one global
/// order (ledger, then journal).
/// </summary>
public static class MutexAcrossProcessesDemo
{
    private const string ChildVariable = "TRACER_DEMO_MUTEX_CHILD";

    public static int Run(bool fixedVariant)
    {
        string? suffix = Environment.GetEnvironmentVariable(ChildVariable);
        return suffix is null ? RunParent(fixedVariant) : RunChild(suffix, fixedVariant);
    }

    private static int RunParent(bool fixedVariant)
    {
        string suffix = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var ledger = new Mutex(false, $"tracer-ledger-{suffix}");
        using var journal = new Mutex(false, $"tracer-journal-{suffix}");
        using Process child = StartChild(suffix, fixedVariant);
        if (fixedVariant)
        {
            child.StandardInput.WriteLine("go");
            child.StandardInput.Flush();
            Transfer("parent", ledger, journal, child: null);
            child.WaitForExit();
            Console.WriteLine($"parent: child exited with code {child.ExitCode}; both transfers done in the same order, no deadlock");
            return 0;
        }

        ledger.WaitOne();
        Console.WriteLine("parent: holds 'ledger'");
        child.StandardInput.WriteLine("go"); // the child may now take 'journal'
        child.StandardInput.Flush();
        Console.WriteLine($"parent: child says '{child.StandardOutput.ReadLine()}'");
        Console.WriteLine("parent: wants 'journal' ...");
        WaitForSecond(journal);
        return 0; // never reached in the buggy variant
    }

    private static int RunChild(string suffix, bool fixedVariant)
    {
        using var ledger = Mutex.OpenExisting($"tracer-ledger-{suffix}");
        using var journal = Mutex.OpenExisting($"tracer-journal-{suffix}");
        Console.ReadLine(); // "go"
        if (fixedVariant)
        {
            Transfer("child", ledger, journal, child: null);
            return 0;
        }

        journal.WaitOne();
        Console.WriteLine("holds journal"); // read by the parent
        Console.Out.Flush();
        WaitForSecond(ledger);
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WaitForSecond(Mutex second) => second.WaitOne();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Transfer(string who, Mutex first, Mutex second, Process? child)
    {
        for (int i = 0; i < 50; i++)
        {
            first.WaitOne();
            second.WaitOne();
            second.ReleaseMutex();
            first.ReleaseMutex();
        }

        Console.Error.WriteLine($"{who}: 50 transfers done (ledger, then journal)");
    }

    private static Process StartChild(string suffix, bool fixedVariant)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            info.ArgumentList.Add(typeof(MutexAcrossProcessesDemo).Assembly.Location);
        }

        info.ArgumentList.Add("mutex-across-processes");
        if (fixedVariant)
        {
            info.ArgumentList.Add("--fixed");
        }

        info.Environment[ChildVariable] = suffix;
        Process child = Process.Start(info)!;
        string? banner = child.StandardOutput.ReadLine(); // the demo banner, so the next line read is the child's answer
        _ = banner;
        return child;
    }
}
