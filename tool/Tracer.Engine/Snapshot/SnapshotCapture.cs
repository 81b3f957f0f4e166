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
        using var readerStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        IsolatedSnapshot.Reading? attached = options.Dump ? null : await IsolatedSnapshot.ReadAsync(pid, options, readerStop.Token).ConfigureAwait(false);
        try
        {
            return await WatchAsync(pid, options, attached, clock, ct, onRead, notice).ConfigureAwait(false);
        }
        catch when (attached is not null && !attached.WithAsync.IsCompleted)
        {
            // the reader still walks the heap: it is stopped and its private files removed before the error goes on
            await readerStop.CancelAsync().ConfigureAwait(false);
            try
            {
                await attached.WithAsync.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // what was asked for
            }

            throw;
        }
    }

    private static async Task<ProcessSnapshot> WatchAsync(int pid, SnapshotOptions options, IsolatedSnapshot.Reading? attached, Stopwatch clock,
        CancellationToken ct, Action<ProcessSnapshot>? onRead, Action<string>? notice)
    {
        string? Name(int tid) => ProcFs.ThreadName(pid, tid);
        ProcessSnapshot read = attached?.Threads ?? await DumpCapture.ReadAsync(pid, options, notice ?? (_ => { }), Name, ct).ConfigureAwait(false);
        Dictionary<int, long>? before = ThreadProgress.Sample(pid);
        TimeSpan sampledAt = clock.Elapsed;
        read = read with { ProcessName = ProcFs.DisplayName(pid), CommandLine = ProcFs.CommandLine(pid) };
        onRead?.Invoke(read);
        if (attached is not null && options.WalkAsync)
        {
            notice?.Invoke($"threads read; now reading async flows from the heap while pid {pid} runs (it is not paused for this): two looks "
                + $"{options.Observe.TotalSeconds:0.#} s apart, each at most {2 * options.AsyncWalkTimeout.TotalSeconds:0} s");
        }

        var samples = new List<IReadOnlyDictionary<int, long>>();
        double observedMs = 0;
        if (before is not null && options.Observe > TimeSpan.Zero)
        {
            samples.Add(before);
            await SampleUntilAsync(pid, samples, clock, sampledAt + options.Observe, ct).ConfigureAwait(false);
            observedMs = (clock.Elapsed - sampledAt).TotalMilliseconds;
        }

        if (attached is not null)
        {
            // attached, the reader walks the heap for async flows while the threads are watched here
            ProcessSnapshot walked = await attached.WithAsync.ConfigureAwait(false);
            read = read with
            {
                Async = walked.Async, AsyncSecondLook = walked.AsyncSecondLook, AsyncLookGapMs = walked.AsyncLookGapMs,
                AsyncWalkedRunning = walked.AsyncWalkedRunning, Notes = walked.Notes,
            };
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

    internal static TracerUserException Exited(int pid) => new($"process {pid} exited during the snapshot; nothing to report");
}
