using System.Diagnostics;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Runtime;
using Tracer.Engine.Collect;

namespace Tracer.Engine.Snapshot;

/// <summary>
/// snapshot --dump: the runtime writes a heap dump into a private (0700) temporary directory, ClrMD reads it, the dump
/// is deleted at once (on success, error and cancellation alike). The target is frozen while the dump is written and
/// the file is about the size of its memory, so it is refused when that does not fit the free space, announced with
/// its cost before it starts, and bounded by a timeout.
/// </summary>
internal static class DumpCapture
{
    public const string TempPrefix = "dotnet-tracer-snapshot-";

    /// <summary>Room left on the disk after the dump, so the dump never fills it.</summary>
    private const long Headroom = 256L << 20;

    public static async Task<ProcessSnapshot> ReadAsync(int pid, SnapshotOptions options, Action<string> notice, Func<int, string?> osThreadName, CancellationToken ct)
    {
        string temp = Path.GetTempPath();
        long expected = ResidentBytes(pid) ?? 0;
        long free = new DriveInfo(Path.GetFullPath(temp)).AvailableFreeSpace;
        if (expected + Headroom > free)
        {
            throw new TracerUserException($"a heap dump of process {pid} needs about {Mib(expected)} MiB in {temp} and only {Mib(free)} MiB are free; "
                + "drop --dump (the default snapshot writes nothing), or point TMPDIR at a larger disk");
        }

        notice($"writing a heap dump of pid {pid}: about {Mib(expected)} MiB into {temp} ({Mib(free)} MiB free), deleted once read; "
            + $"the process is frozen while it is written (seconds for a large heap; at most {options.IpcTimeout.TotalSeconds:0} s, then the tool gives up)");
        DirectoryInfo dir = Directory.CreateTempSubdirectory(TempPrefix); // 0700 on Unix
        try
        {
            string dumpPath = Path.Combine(dir.FullName, $"{pid}.dmp");
            var clock = Stopwatch.StartNew();
            await WriteAsync(pid, dumpPath, options.IpcTimeout, ct).ConfigureAwait(false);
            double writtenMs = clock.Elapsed.TotalMilliseconds;
            long bytes = new FileInfo(dumpPath).Length;
            ProcessSnapshot read = await Task.Run(() =>
            {
                using DataTarget target = DataTarget.LoadDump(dumpPath);
                using ClrRuntime runtime = RuntimeReader.CreateRuntime(target, pid);
                ProcessSnapshot fromDump = RuntimeReader.Read(runtime, pid, osThreadName, Stopwatch.StartNew(), TimeSpan.MaxValue); // a file: no pause to bound
                // A dump holds still, so its heap can be walked for async flows; a live process frozen mid-allocation
                // crashed the runtime's debugging library during the walk, so the attached path does not walk it.
                fromDump = new Async.AsyncStateReader().Read(runtime, fromDump, CancellationToken.None);
                foreach (ISuspendedReader reader in options.Readers)
                {
                    fromDump = reader.Read(runtime, fromDump, CancellationToken.None);
                }

                return fromDump;
            }, ct).ConfigureAwait(false);
            File.Delete(dumpPath);
            return read with
            {
                Method = SnapshotMethods.Dump,
                DumpBytes = bytes,
                PauseMs = writtenMs,
                CaptureMs = clock.Elapsed.TotalMilliseconds,
                Notes = [.. read.Notes, $"the dump took {writtenMs / 1000:F2} s to write (the process was frozen meanwhile) and {(clock.Elapsed.TotalMilliseconds - writtenMs) / 1000:F2} s to read"],
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

    private static async Task WriteAsync(int pid, string path, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            await new DiagnosticsClient(pid).WriteDumpAsync(DumpType.WithHeap, path, WriteDumpFlags.None, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw ThreadProgress.IsGone(pid) ? SnapshotCapture.Exited(pid)
                : new TracerUserException($"process {pid} did not write its dump within {timeout.TotalSeconds:0} s (its runtime may be stuck itself); try again, or take a dump with createdump");
        }
        catch (Exception ex) when (ex is ServerNotAvailableException or ServerErrorException or EndOfStreamException or IOException or UnauthorizedAccessException)
        {
            throw ThreadProgress.IsGone(pid) ? SnapshotCapture.Exited(pid) : new TracerUserException($"process {pid} could not write a dump: {ex.Message}");
        }

        if (ThreadProgress.IsGone(pid) || !File.Exists(path))
        {
            throw ThreadProgress.IsGone(pid) ? SnapshotCapture.Exited(pid) : new TracerUserException($"process {pid} reported a dump but wrote none");
        }
    }

    /// <summary>The process's resident memory (VmRSS), about what a heap dump holds; null when unknown.</summary>
    private static long? ResidentBytes(int pid)
    {
        try
        {
            string? line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is not null && long.TryParse(line[6..].Trim().Split(' ')[0], out long kib) ? kib * 1024 : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long Mib(long bytes) => bytes >> 20;
}
