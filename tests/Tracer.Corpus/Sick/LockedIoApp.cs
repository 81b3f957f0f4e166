using System.Runtime.CompilerServices;

namespace Tracer.Corpus.Sick;

/// <summary>
/// An audit log that writes each record to disk and flushes it (fsync) while holding the log's lock: 8 request
/// threads each log every record they handle, so they queue on the lock behind each other's disk writes (a lock
/// convoy on blocking I/O). Run with `--duration`; the threads work until the program's time is up.
/// </summary>
internal static class LockedIoApp
{
    private static readonly object s_logLock = new();

    public static int Run(CorpusOptions options)
    {
        string path = Path.Combine(Path.GetTempPath(), $"audit-{Environment.ProcessId}.log");
        using var log = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1, FileOptions.None);
        var end = DateTime.UtcNow + options.Duration;
        long records = 0;
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            while (DateTime.UtcNow < end)
            {
                HandleRequest(log, t);
                Interlocked.Increment(ref records);
            }
        }) { Name = $"request-{t}" }).ToList();
        Console.WriteLine("ready");
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        File.Delete(path);
        Console.WriteLine($"locked-io done: {records} records");
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void HandleRequest(FileStream log, int thread)
    {
        byte[] record = System.Text.Encoding.UTF8.GetBytes($"{DateTime.UtcNow:O} request on {thread}\n");
        lock (s_logLock) // bug: the disk write and fsync run under the lock
        {
            log.Write(record);
            log.Flush(flushToDisk: true);
        }
    }
}
