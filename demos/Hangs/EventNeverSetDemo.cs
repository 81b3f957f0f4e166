using System.Runtime.CompilerServices;

namespace Tracer.Demos.Hangs;

/// <summary>
/// Bug: a loader signals "ready" with a ManualResetEventSlim only on its happy path; it fails, and the consumer
/// waits in ManualResetEventSlim.Wait forever. Fixed: Set in finally (and the consumer checks for the error).
/// </summary>
public static class EventNeverSetDemo
{
    public static int Run(bool fixedVariant)
    {
        using var ready = new ManualResetEventSlim();
        Exception? failure = null;
        var loader = new Thread(() =>
        {
            try
            {
                Load(ready, fixedVariant);
            }
            catch (IOException ex)
            {
                failure = ex;
                Console.WriteLine($"loader failed: {ex.Message}");
            }
        }) { Name = "loader" };
        loader.Start();
        Console.WriteLine("consumer waits until the configuration is loaded...");
        WaitUntilReady(ready);
        Console.WriteLine(failure is null ? "configuration loaded" : "loader failed; the consumer was told instead of waiting forever");
        loader.Join();
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WaitUntilReady(ManualResetEventSlim ready) => ready.Wait();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Load(ManualResetEventSlim ready, bool fixedVariant)
    {
        if (fixedVariant)
        {
            try
            {
                ReadConfiguration();
            }
            finally
            {
                ready.Set();
            }

            return;
        }

        ReadConfiguration(); // throws: the Set below never runs
        ready.Set();
    }

    private static void ReadConfiguration() => throw new IOException("configuration file is unreadable");
}
