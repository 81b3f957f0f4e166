using System.Diagnostics;
using Microsoft.Diagnostics.NETCore.Client;
using Tracer.Engine.Collect;

namespace Tracer.Engine.Snapshot;

/// <summary>
/// Takes a snapshot of a live process: the runtime writes a heap dump into a private (0700) temporary directory,
/// ClrMD reads it, the dump is deleted at once (on success, error and cancellation alike), then the threads are
/// watched for a moment to tell "blocked" from "caught waiting". Every call to the target has a timeout.
/// </summary>
public static class SnapshotCapture
{
    public const string TempPrefix = "dotnet-tracer-snapshot-";

    private static readonly TimeSpan s_sampleEvery = TimeSpan.FromMilliseconds(100);

    /// <param name="onRead">Called with the dump's content before threads are watched: deadlocks are certain already.</param>
    public static async Task<ProcessSnapshot> TakeAsync(int pid, SnapshotOptions options, CancellationToken ct, Action<ProcessSnapshot>? onRead = null)
    {
        DirectoryInfo dir = Directory.CreateTempSubdirectory(TempPrefix); // 0700 on Unix
        try
        {
            string dumpPath = Path.Combine(dir.FullName, $"{pid}.dmp");
            var clock = Stopwatch.StartNew();
            await WriteDumpAsync(pid, dumpPath, options.IpcTimeout, ct).ConfigureAwait(false);
            TimeSpan written = clock.Elapsed;
            Dictionary<int, long>? before = ThreadProgress.Sample(pid);
            TimeSpan sampledAt = clock.Elapsed;
            long bytes = new FileInfo(dumpPath).Length;
            ProcessSnapshot read = await Task.Run(() => DumpReader.Read(dumpPath, pid, tid => ProcFs.ThreadName(pid, tid)), ct).ConfigureAwait(false);
            File.Delete(dumpPath);
            double captureMs = clock.Elapsed.TotalMilliseconds;
            onRead?.Invoke(read with { ProcessName = ProcFs.DisplayName(pid), DumpBytes = bytes, CaptureMs = captureMs });

            // The window starts at the first sample, taken as soon as the dump was written (reading it overlaps the wait).
            var samples = new List<IReadOnlyDictionary<int, long>>();
            double observedMs = 0;
            if (before is not null && options.Observe > TimeSpan.Zero)
            {
                samples.Add(before);
                await SampleUntilAsync(pid, samples, clock, sampledAt + options.Observe, ct).ConfigureAwait(false);
                observedMs = (clock.Elapsed - sampledAt).TotalMilliseconds;
            }

            // Flows queued on a semaphore with no permit free, not proven orphans: look again, as threads were watched.
            Async.AsyncHeap? secondLook = null;
            double gapMs = 0;
            if (options.Observe > TimeSpan.Zero && NeedsSecondLook(read.Async))
            {
                string second = Path.Combine(dir.FullName, $"{pid}.2.dmp");
                await WriteDumpAsync(pid, second, options.IpcTimeout, ct).ConfigureAwait(false);
                gapMs = (clock.Elapsed - written).TotalMilliseconds;
                secondLook = await Task.Run(() => DumpReader.ReadAsync(second), ct).ConfigureAwait(false);
                File.Delete(second);
            }

            Dictionary<int, ThreadActivity.Activity> activity = ThreadActivity.Judge(samples);
            return read with
            {
                ProcessName = ProcFs.DisplayName(pid),
                CommandLine = ProcFs.CommandLine(pid),
                DumpBytes = bytes,
                CaptureMs = captureMs,
                ObservedMs = observedMs,
                AsyncSecondLook = secondLook,
                AsyncLookGapMs = gapMs,
                Notes = [.. read.Notes, $"the dump took {written.TotalSeconds:F2} s to write and {(captureMs / 1000) - written.TotalSeconds:F2} s to read"],
                Threads = [.. read.Threads.Select(t => activity.TryGetValue(t.OsThreadId, out ThreadActivity.Activity a) ? t with { Wakeups = a.Wakeups, MadeProgress = a.MadeProgress } : t)],
            };
        }
        finally
        {
            try
            {
                dir.Delete(recursive: true);
            }
            catch (IOException)
            {
                // the runtime's dump writer may still hold the file for a moment after a timeout; it is unlinked with the directory
            }
        }
    }

    private static bool NeedsSecondLook(Async.AsyncHeap? heap) =>
        heap is not null && heap.Semaphores.Any(s => s.CurrentCount == 0 && s.AsyncWaiters.Count > 0 && heap.Orphans?.Contains(s.Address) != true);

    /// <summary>Samples every 100 ms until <paramref name="until"/> on the clock; a process gone meanwhile is an error.</summary>
    private static async Task SampleUntilAsync(int pid, List<IReadOnlyDictionary<int, long>> samples, Stopwatch clock, TimeSpan until, CancellationToken ct)
    {
        while (clock.Elapsed < until)
        {
            TimeSpan left = until - clock.Elapsed;
            await Task.Delay(left < s_sampleEvery ? left : s_sampleEvery, ct).ConfigureAwait(false);
            samples.Add(ThreadProgress.Sample(pid) ?? throw Exited(pid));
        }
    }

    private static async Task WriteDumpAsync(int pid, string path, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            await new DiagnosticsClient(pid).WriteDumpAsync(DumpType.WithHeap, path, WriteDumpFlags.None, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw ThreadProgress.IsGone(pid) ? Exited(pid)
                : new TracerUserException($"process {pid} did not write its dump within {timeout.TotalSeconds:0} s (its runtime may be stuck itself); try again, or take a dump with createdump");
        }
        catch (Exception ex) when (ex is ServerNotAvailableException or ServerErrorException or EndOfStreamException or IOException or UnauthorizedAccessException)
        {
            throw ThreadProgress.IsGone(pid) ? Exited(pid) : new TracerUserException($"process {pid} could not write a dump: {ex.Message}");
        }

        if (ThreadProgress.IsGone(pid) || !File.Exists(path))
        {
            throw ThreadProgress.IsGone(pid) ? Exited(pid) : new TracerUserException($"process {pid} reported a dump but wrote none");
        }
    }

    private static TracerUserException Exited(int pid) => new($"process {pid} exited during the snapshot; nothing to report");
}
