using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Diagnostics.Runtime;
using Tracer.Engine.Collect;
using Tracer.Engine.Snapshot.Async;

namespace Tracer.Engine.Snapshot;

/// <summary>
/// The attached snapshot, read by a child process of the tool. The runtime's debugging library reads the target's
/// memory as it is; on a busy process (stopped mid-allocation, or changing under a heap walk) it can crash, and in the
/// tool's own process that would end a trace being collected. In a child, a crash costs one retry.
/// <para>The child reads threads, stacks and locks with the target suspended (<see cref="LiveAttach"/>), reports them
/// at once (a deadlock in them is certain), and then, with the target running, walks
/// the heap for async flows twice, <see cref="SnapshotOptions.Observe"/> apart (<see cref="AsyncHeapWalker"/>): a
/// heap that changes during a walk can show a flow as stuck that is not, so a live walk's verdicts count only when the
/// second look confirms them (<see cref="AsyncHangAnalysis"/>). A walk that crashes the library (a GC moving objects
/// under it, common on a loaded machine) is taken again in a fresh reader that stops the target for each look, for at
/// most the pause budget for the walk and as long again for its mark.</para>
/// </summary>
public static class IsolatedSnapshot
{
    /// <summary>The first argument that makes the tool's process this reader (not a command: not in --help).</summary>
    public const string ChildVerb = "__snapshot";

    private const string ThreadsRead = "threads-read";
    // The child's WALK argument: no walk, read the threads then walk, or walk only (the threads are in DIR already).
    private const string NoWalk = "0", ReadAndWalk = "1", WalkOnly = "again";
    private const int UserError = 2;
    private const int LookAttempts = 3;
    private const int FrozenAttempts = 10;
    private static readonly TimeSpan s_frozenRetryGap = TimeSpan.FromMilliseconds(30);
    private static readonly TimeSpan s_readTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A snapshot being read: its threads first, then the same with the async state.</summary>
    public sealed record Reading(ProcessSnapshot Threads, Task<ProcessSnapshot> WithAsync);

    /// <summary>
    /// Reads <paramref name="pid"/> in a child. A crash of the reader is retried once, without the warm-up read (the
    /// read that crashes; without it the pause is longer, 100-170 ms instead of 15-25 ms, and no crash was seen).
    /// </summary>
    public static async Task<Reading> ReadAsync(int pid, SnapshotOptions options, CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            DirectoryInfo dir = Directory.CreateTempSubdirectory("dotnet-tracer-snapshot-read-"); // 0700: stacks are private
            Process? child = null;
            try
            {
                child = Process.Start(Start(pid, dir.FullName, options, warmUp: attempt == 1, options.WalkAsync ? ReadAndWalk : NoWalk)) ?? throw new InvalidOperationException("the snapshot reader did not start");
                Task<string> errors = child.StandardError.ReadToEndAsync(CancellationToken.None);
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
                deadline.CancelAfter(s_readTimeout);
                string? line;
                try
                {
                    do
                    {
                        line = await child.StandardOutput.ReadLineAsync(deadline.Token).ConfigureAwait(false);
                    }
                    while (line is not null && line != ThreadsRead);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw ThreadProgress.IsGone(pid) ? SnapshotCapture.Exited(pid)
                        : new TracerUserException($"reading process {pid} took longer than {s_readTimeout.TotalSeconds:0} s; try again, or use --dump");
                }

                if (line == ThreadsRead)
                {
                    ProcessSnapshot threads = Load(Path.Combine(dir.FullName, "threads.json"));
                    if (attempt > 1)
                    {
                        threads = Noted(threads, "the first read crashed the runtime's debugging library (it read stacks that changed under it); the second read skipped that warm-up, so the pause was longer");
                    }

                    Process running = child;
                    child = null; // owned by the async part now
                    return new Reading(threads, FinishAsync(running, errors, dir, threads, options, ct));
                }

                await child.WaitForExitAsync(ct).ConfigureAwait(false);
                string why = FirstLine(await errors.ConfigureAwait(false));
                if (ThreadProgress.IsGone(pid))
                {
                    throw SnapshotCapture.Exited(pid);
                }

                if (child.ExitCode == UserError)
                {
                    throw new TracerUserException(why.Length > 0 ? why : $"cannot read process {pid}");
                }

                if (attempt == 2)
                {
                    throw new TracerUserException($"reading process {pid} failed twice ({(why.Length > 0 ? why : $"the reader ended with code {child.ExitCode}")}); try again, or use --dump");
                }
            }
            finally
            {
                if (child is not null)
                {
                    Kill(child);
                    child.Dispose();
                    Delete(dir);
                }
            }
        }
    }

    private static async Task<ProcessSnapshot> FinishAsync(Process child, Task<string> errors, DirectoryInfo dir, ProcessSnapshot threads, SnapshotOptions options, CancellationToken ct)
    {
        try
        {
            // The reader bounds itself: two looks, each a walk and a mark of at most AsyncWalkTimeout (retries share the
            // look's budget), the gap between them. This deadline only catches a reader that is stuck: it must not cut
            // one that a loaded machine slows to its budgets (it did, at 2 × AsyncWalkTimeout + the gap).
            bool finished = await ExitsWithin(child, options.AsyncWalkTimeout * 4 + options.Observe + TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            string path = Path.Combine(dir.FullName, "async.json");
            bool crashed = finished && child.ExitCode is not 0 and not UserError;
            if ((crashed || !finished) && !File.Exists(path))
            {
                // The library crashed on a heap that changed under it, or stuck in it (seen: the DAC walking the stack
                // roots of a running thread, under load, past every budget): one more walk, in a fresh reader, with the
                // target stopped for each look (bounded by the pause budget), where stacks and heap hold still.
                Kill(child);
                string first = crashed ? "the first heap walk crashed the runtime's debugging library (the heap changed under it)"
                    : "the first heap walk, of the running process, did not finish in time";
                using Process again = Process.Start(Start(threads.ProcessId, dir.FullName, options, warmUp: false, WalkOnly))
                    ?? throw new InvalidOperationException("the snapshot reader did not start");
                Task<string> againErrors = again.StandardError.ReadToEndAsync(CancellationToken.None);
                try
                {
                    if (!await ExitsWithin(again, options.Observe + TimeSpan.FromSeconds(20), ct).ConfigureAwait(false))
                    {
                        return Noted(threads, $"async flows were not read: {first}, and the second, with the process stopped, did not either");
                    }
                }
                finally
                {
                    Kill(again);
                }

                if (File.Exists(path))
                {
                    return WithAsyncOf(Noted(threads, $"{first}; a second walk, with the process stopped, read the async flows"), Load(path));
                }

                errors = againErrors;
            }

            if (!File.Exists(path))
            {
                string why = FirstLine(await errors.ConfigureAwait(false));
                return Noted(threads, $"async flows were not read: {(why.Length > 0 ? why : $"the heap walk ended with code {child.ExitCode}")} (snapshot --dump reads them from a heap dump)");
            }

            return WithAsyncOf(threads, Load(path));
        }
        finally
        {
            Kill(child);
            child.Dispose();
            Delete(dir);
        }
    }

    /// <summary>Whether <paramref name="child"/> exits within <paramref name="limit"/> (false also when <paramref name="ct"/> fires).</summary>
    private static async Task<bool> ExitsWithin(Process child, TimeSpan limit, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(limit);
        try
        {
            await child.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The child's side: PID DIR GAP_MS WALK_TIMEOUT_MS PAUSE_BUDGET_MS WALK(0|1|again) WARM_UP(0|1).</summary>
    public static int ChildMain(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Count != 7 || !int.TryParse(args[0], CultureInfo.InvariantCulture, out int pid) || !Directory.Exists(args[1])
            || !long.TryParse(args[2], CultureInfo.InvariantCulture, out long gapMs) || !long.TryParse(args[3], CultureInfo.InvariantCulture, out long walkMs)
            || !long.TryParse(args[4], CultureInfo.InvariantCulture, out long budgetMs))
        {
            stderr.WriteLine($"usage: {ChildVerb} PID DIR GAP_MS WALK_TIMEOUT_MS PAUSE_BUDGET_MS WALK WARM_UP");
            return UserError;
        }

        string dir = args[1];
        var options = new SnapshotOptions { PauseBudget = TimeSpan.FromMilliseconds(budgetMs) };
        try
        {
            if (args[5] == WalkOnly)
            {
                ProcessSnapshot read = Load(Path.Combine(dir, "threads.json"));
                using DataTarget target = DataTarget.AttachToProcess(pid, suspend: false);
                using ClrRuntime runtime = RuntimeReader.CreateRuntime(target, pid);
                Save(Path.Combine(dir, "async.json"), WalkTwice(target, runtime, read, TimeSpan.FromMilliseconds(gapMs), TimeSpan.FromMilliseconds(walkMs),
                    options.PauseBudget, frozenFor: options.PauseBudget));
                return 0;
            }

            LiveAttach.Read(pid, options, tid => ProcFs.ThreadName(pid, tid), warmUp: args[6] == "1", (target, runtime, threads) =>
            {
                Save(Path.Combine(dir, "threads.json"), threads);
                stdout.WriteLine(ThreadsRead);
                stdout.Flush();
                if (args[5] == ReadAndWalk)
                {
                    Save(Path.Combine(dir, "async.json"), WalkTwice(target, runtime, threads, TimeSpan.FromMilliseconds(gapMs), TimeSpan.FromMilliseconds(walkMs),
                        options.PauseBudget));
                }
            });
            return 0;
        }
        catch (TracerUserException ex)
        {
            stderr.WriteLine(ex.Message);
            return UserError;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            stderr.WriteLine($"{ex.GetType().Name}: {FirstLine(ex.Message)}");
            return 1;
        }
    }

    /// <summary>
    /// Two walks of the target's heap, <paramref name="gap"/> apart (a live walk's verdict needs both). The target runs
    /// during them, unless <paramref name="frozenFor"/> is given: then each walk and its mark stop the target for at most
    /// that long each (the retry after a walk of the running heap crashed the debugging library, which a GC moving
    /// objects under it does on a loaded machine; a stopped heap outside a GC does not change).
    /// </summary>
    /// <param name="rootsPause">How long a look of the running heap may stop the target to read the mark's roots (<see cref="StoppedRoots"/>).</param>
    private static ProcessSnapshot WalkTwice(DataTarget target, ClrRuntime runtime, ProcessSnapshot threads, TimeSpan gap, TimeSpan walkTimeout,
        TimeSpan rootsPause, TimeSpan? frozenFor = null)
    {
        if (frozenFor is TimeSpan pause)
        {
            AsyncHeap still = FrozenLook(target, runtime, threads, pause);
            var between = Stopwatch.StartNew();
            Thread.Sleep(gap);
            AsyncHeap stillAgain = FrozenLook(target, runtime, threads, pause);
            return threads with { Async = still, AsyncSecondLook = stillAgain, AsyncLookGapMs = between.Elapsed.TotalMilliseconds };
        }

        // The target runs again; the walk is a one-off of a process that looks stuck, at the normal priority (niced, it
        // starved behind a loaded machine's work and did not finish).
        ThreadNice.Set(0);
        AsyncHeap first = Look(target, runtime, threads, walkTimeout, rootsPause);
        if (gap <= TimeSpan.Zero)
        {
            return threads with { Async = first };
        }

        var clock = Stopwatch.StartNew();
        Thread.Sleep(gap); // the time the target had to release a permit, complete a source, write to a channel
        AsyncHeap second = Look(target, runtime, threads, walkTimeout, rootsPause);
        return threads with { Async = first, AsyncSecondLook = second, AsyncLookGapMs = clock.Elapsed.TotalMilliseconds };
    }

    /// <summary>
    /// One look at the running heap, taken again (up to <see cref="LookAttempts"/> times, within the one look's
    /// <paramref name="walkTimeout"/>) when a GC rewrites memory the debugging library is reading and it throws: a
    /// collection is over in milliseconds, the next walk meets a still heap. The mark's roots are read just before the
    /// mark with the target stopped for at most <paramref name="rootsPause"/> (<see cref="StoppedRoots"/>).
    /// </summary>
    private static AsyncHeap Look(DataTarget target, ClrRuntime runtime, ProcessSnapshot threads, TimeSpan walkTimeout, TimeSpan rootsPause)
    {
        var clock = Stopwatch.StartNew();
        for (int attempt = 1; ; attempt++)
        {
            target.DataReader.FlushCachedData();
            runtime.FlushCachedData();
            try
            {
                TimeSpan left = walkTimeout - clock.Elapsed;
                AsyncHeap heap = AsyncHeapWalker.Walk(runtime, threads, left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1),
                    _ => StoppedRoots(target, runtime, threads.ProcessId, rootsPause));
                return attempt == 1 ? heap : heap with { Notes = [.. heap.Notes, $"the heap changed under {attempt - 1} earlier walk(s) of the running process; this one read it"] };
            }
            catch (Exception ex) when (attempt < LookAttempts && clock.Elapsed < walkTimeout && ex is not OutOfMemoryException)
            {
                // the next attempt re-reads from fresh caches; the last one's failure goes to the parent as the reason
            }
        }
    }

    /// <summary>
    /// The reachability mark's roots, read with every thread of the target stopped outside a GC: walking a running
    /// thread's stack for its roots, the debugging library can loop past every budget (seen on a loaded machine, 3 looks
    /// in 4 at 8 busy loops beside 2 cores). The stop, counted from its start, is cut at <paramref name="budget"/>. No
    /// roots (the look then judges nothing, and says why) when the stop outlasts it, when each of
    /// <see cref="FrozenAttempts"/> stops came inside a GC, or when the target cannot be stopped or read: reading them from
    /// the running target instead is the read that sticks.
    /// </summary>
    private static RootsRead StoppedRoots(DataTarget target, ClrRuntime runtime, int pid, TimeSpan budget)
    {
        for (int attempt = 1; attempt <= FrozenAttempts; attempt++)
        {
            var pause = Stopwatch.StartNew();
            ThreadNice.Set(-10); // every slice this thread waits for is pause (root only)
            try
            {
                using ThreadFreezer frozen = ThreadFreezer.Freeze(pid, TimeSpan.FromSeconds(1));
                target.DataReader.FlushCachedData(); // the stacks moved since the walk began
                runtime.FlushCachedData();
                if (runtime.Heap.CanWalkHeap)
                {
                    TimeSpan left = budget - pause.Elapsed;
                    using var cut = new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1));
                    IReadOnlyList<HeapRoot>? roots = HeapRoots.Read(runtime.Heap, cut.Token);
                    return roots is null
                        ? new RootsRead(null, $"the heap's roots did not read within the pause budget of {budget.TotalMilliseconds:0} ms with the process stopped")
                        : new RootsRead(roots, $"its {roots.Count} roots were read with the process stopped for {pause.Elapsed.TotalMilliseconds:F0} ms");
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                return new RootsRead(null, $"the heap's roots could not be read with the process stopped ({FirstLine(ex.Message).TrimEnd('.')})");
            }
            finally
            {
                ThreadNice.Set(0);
            }

            Thread.Sleep(s_frozenRetryGap); // stopped inside a GC: let it finish
        }

        return new RootsRead(null, $"each of {FrozenAttempts} stops to read the heap's roots came inside a GC");
    }

    /// <summary>One look with every thread of the target stopped, taken when no GC is under way (else the target runs a
    /// moment and it is tried again, <see cref="FrozenAttempts"/> times).</summary>
    private static AsyncHeap FrozenLook(DataTarget target, ClrRuntime runtime, ProcessSnapshot threads, TimeSpan budget)
    {
        for (int attempt = 1; ; attempt++)
        {
            var pause = Stopwatch.StartNew();
            ThreadNice.Set(-10); // every slice this thread waits for is pause (root only)
            try
            {
                using ThreadFreezer frozen = ThreadFreezer.Freeze(threads.ProcessId, TimeSpan.FromSeconds(1));
                target.DataReader.FlushCachedData();
                runtime.FlushCachedData();
                if (runtime.Heap.CanWalkHeap || attempt == FrozenAttempts)
                {
                    AsyncHeap heap = AsyncHeapWalker.Walk(runtime, threads, budget);
                    return heap with { Notes = [.. heap.Notes, $"the walk of the running heap crashed the debugging library; this look stopped the process for {pause.Elapsed.TotalMilliseconds:F0} ms"] };
                }
            }
            finally
            {
                ThreadNice.Set(0);
            }

            Thread.Sleep(s_frozenRetryGap); // stopped inside a GC: let it finish
        }
    }

    /// <summary>This tool again (its apphost, or `dotnet tool.dll` under the dotnet host) as the reader of <paramref name="pid"/>.</summary>
    private static ProcessStartInfo Start(int pid, string dir, SnapshotOptions options, bool warmUp, string walk)
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("the tool's own path is unknown");
        var start = new ProcessStartInfo(host) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()?.Location ?? throw new InvalidOperationException("the tool's entry assembly is unknown"));
        }

        foreach (string arg in (string[])[ChildVerb, pid.ToString(CultureInfo.InvariantCulture), dir, Ms(options.Observe), Ms(options.AsyncWalkTimeout),
            Ms(options.PauseBudget), walk, warmUp ? "1" : "0"])
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    private static string Ms(TimeSpan t) => ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    private static void Save(string path, ProcessSnapshot snapshot) => File.WriteAllText(path, JsonSerializer.Serialize(snapshot, SnapshotJsonContext.Default.ProcessSnapshot));

    private static ProcessSnapshot Load(string path) =>
        JsonSerializer.Deserialize(File.ReadAllText(path), SnapshotJsonContext.Default.ProcessSnapshot) ?? throw new InvalidDataException("the snapshot reader wrote nothing");

    /// <summary><paramref name="read"/> with the async state a reader walked (while the target ran).</summary>
    private static ProcessSnapshot WithAsyncOf(ProcessSnapshot read, ProcessSnapshot walked) =>
        read with { Async = walked.Async, AsyncSecondLook = walked.AsyncSecondLook, AsyncLookGapMs = walked.AsyncLookGapMs, AsyncWalkedRunning = true };

    private static ProcessSnapshot Noted(ProcessSnapshot read, string note) => read with { Notes = [.. read.Notes, note] };

    private static string FirstLine(string text) => text.Trim().Split('\n')[0].Trim();

    private static void Kill(Process child)
    {
        try
        {
            if (!child.HasExited)
            {
                child.Kill(entireProcessTree: true); // the kernel releases any thread it still held stopped
            }

            child.WaitForExit(5000); // gone before its directory is deleted, so it writes nothing there afterwards
        }
        catch (InvalidOperationException)
        {
            // it has exited meanwhile
        }
    }

    private static void Delete(DirectoryInfo dir)
    {
        try
        {
            dir.Delete(recursive: true);
        }
        catch (IOException)
        {
            // a killed reader may hold its file a moment longer; the directory is private and small
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ProcessSnapshot))]
internal sealed partial class SnapshotJsonContext : JsonSerializerContext;
