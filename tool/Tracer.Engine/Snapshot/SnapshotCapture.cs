using System.Diagnostics;
using Tracer.Engine.Collect;

namespace Tracer.Engine.Snapshot;

/// <summary>
/// Takes a snapshot of a live process: by default ClrMD attached to it, suspended only while threads, stacks and
/// locks are read (<see cref="LiveAttach"/>); with <see cref="SnapshotOptions.Dump"/> a heap dump
/// (<see cref="DumpCapture"/>). Then the threads are watched for a moment (from /proc, the target running) to tell
/// "blocked" from "caught waiting".
/// </summary>
public static class SnapshotCapture
{
    public const string TempPrefix = DumpCapture.TempPrefix;

    private static readonly TimeSpan s_sampleEvery = TimeSpan.FromMilliseconds(100);

    /// <param name="onRead">Called with what was read before threads are watched: deadlocks are certain already.</param>
    /// <param name="notice">Told what is about to cost the target something (the dump), before it starts.</param>
    public static async Task<ProcessSnapshot> TakeAsync(int pid, SnapshotOptions options, CancellationToken ct,
        Action<ProcessSnapshot>? onRead = null, Action<string>? notice = null)
    {
        var clock = Stopwatch.StartNew();
        string? Name(int tid) => ProcFs.ThreadName(pid, tid);
        ProcessSnapshot read = options.Dump
            ? await DumpCapture.ReadAsync(pid, options, notice ?? (_ => { }), Name, ct).ConfigureAwait(false)
            : await LiveAttach.ReadAsync(pid, options, Name).WaitAsync(ct).ConfigureAwait(false);
        Dictionary<int, long>? before = ThreadProgress.Sample(pid);
        TimeSpan sampledAt = clock.Elapsed;
        read = read with { ProcessName = ProcFs.DisplayName(pid), CommandLine = ProcFs.CommandLine(pid) };
        onRead?.Invoke(read);

        var samples = new List<IReadOnlyDictionary<int, long>>();
        double observedMs = 0;
        if (before is not null && options.Observe > TimeSpan.Zero)
        {
            samples.Add(before);
            await SampleUntilAsync(pid, samples, clock, sampledAt + options.Observe, ct).ConfigureAwait(false);
            observedMs = (clock.Elapsed - sampledAt).TotalMilliseconds;
        }

        Dictionary<int, ThreadActivity.Activity> activity = ThreadActivity.Judge(samples);
        return read with
        {
            ObservedMs = observedMs,
            Threads = [.. read.Threads.Select(t => activity.TryGetValue(t.OsThreadId, out ThreadActivity.Activity a) ? t with { Wakeups = a.Wakeups, MadeProgress = a.MadeProgress } : t)],
        };
    }

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

    /// <summary>The message for a target that died while it was read attached (see LiveAttach), or null.</summary>
    public static string? ExitedDuringRead() => LiveAttach.ExitedDuringRead();

    internal static TracerUserException Exited(int pid) => new($"process {pid} exited during the snapshot; nothing to report");
}
