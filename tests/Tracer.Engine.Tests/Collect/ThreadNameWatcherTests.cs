using Tracer.Engine.Collect;

namespace Tracer.Engine.Tests.Collect;

public sealed class ThreadNameWatcherTests
{
    [Fact]
    public void A_thread_that_has_exited_is_still_named_as_it_was_seen()
    {
        using var watcher = new ThreadNameWatcher(Environment.ProcessId, poll: false);
        using var named = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        int tid = 0;
        var thread = new Thread(() =>
        {
            tid = OsThreadId();
            named.Set();
            release.Wait(TimeSpan.FromSeconds(30));
        }) { Name = "watched-thread" };
        thread.Start();
        Assert.True(named.Wait(TimeSpan.FromSeconds(30)));

        watcher.PollNow();
        release.Set();
        thread.Join(TimeSpan.FromSeconds(30));
        WaitUntilGoneFromProc(tid);

        Assert.Null(ProcFs.ThreadName(Environment.ProcessId, tid));
        Assert.Equal("watched-thread", watcher.Lookup(tid));
    }

    [Fact]
    public void A_thread_never_seen_alive_has_no_name()
    {
        using var watcher = new ThreadNameWatcher(Environment.ProcessId, poll: false);
        watcher.PollNow();
        Assert.Null(watcher.Lookup(int.MaxValue));
    }

    private static int OsThreadId()
    {
        // /proc/thread-self links to "PID/task/TID".
        string target = new DirectoryInfo("/proc/thread-self").LinkTarget!;
        return int.Parse(Path.GetFileName(target), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void WaitUntilGoneFromProc(int tid)
    {
        // Join returns when the managed thread is done; the kernel reaps the task a moment later.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (Directory.Exists($"/proc/{Environment.ProcessId}/task/{tid}") && DateTime.UtcNow < deadline)
        {
            Thread.Yield();
        }
    }
}
