namespace Tracer.Engine.Collect;

/// <summary>
/// Remembers the names of a live process's threads by reading /proc/PID/task every 100 ms. The decoder asks for a
/// thread's name when it first sees one of its events, but it runs at a lower priority and can lag seconds behind a
/// busy target: a short-lived thread may be gone from /proc by then. Young threads are re-read for a second (a thread
/// often names itself after it starts); entries of threads gone for a minute are dropped, so memory stays bounded.
/// </summary>
public sealed class ThreadNameWatcher : IDisposable
{
    private static readonly TimeSpan s_renameWindow = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_keepAfterExit = TimeSpan.FromMinutes(1);

    private readonly int _pid;
    private readonly Lock _gate = new();
    private readonly Dictionary<int, Entry> _threads = new();
    private readonly Timer? _timer;

    private sealed class Entry
    {
        public required string Name;
        public DateTime FirstSeen;
        public DateTime LastSeen;
    }

    /// <param name="pid">The traced process.</param>
    /// <param name="poll">Whether to poll on a timer (tests call <see cref="PollNow"/> instead).</param>
    public ThreadNameWatcher(int pid, bool poll = true)
    {
        _pid = pid;
        if (poll)
        {
            _timer = new Timer(_ => PollNow(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>The thread's current name, or the last one seen while it lived.</summary>
    public string? Lookup(int tid)
    {
        string? live = ProcFs.ThreadName(_pid, tid);
        if (live is not null)
        {
            return live;
        }

        lock (_gate)
        {
            return _threads.TryGetValue(tid, out Entry? entry) ? entry.Name : null;
        }
    }

    /// <summary>Reads the names of the threads alive now.</summary>
    public void PollNow()
    {
        DateTime now = DateTime.UtcNow;
        IEnumerable<string> tasks;
        try
        {
            tasks = Directory.EnumerateDirectories($"/proc/{_pid}/task").ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return; // the process is gone (or not ours): keep what was seen
        }

        lock (_gate)
        {
            foreach (string task in tasks)
            {
                if (!int.TryParse(Path.GetFileName(task), out int tid))
                {
                    continue;
                }

                bool known = _threads.TryGetValue(tid, out Entry? entry);
                if (known && now - entry!.FirstSeen > s_renameWindow)
                {
                    entry.LastSeen = now;
                    continue;
                }

                string? name = ProcFs.ThreadName(_pid, tid);
                if (name is null)
                {
                    continue;
                }

                if (known)
                {
                    entry!.Name = name;
                    entry.LastSeen = now;
                }
                else
                {
                    _threads[tid] = new Entry { Name = name, FirstSeen = now, LastSeen = now };
                }
            }

            foreach ((int tid, Entry entry) in _threads)
            {
                if (now - entry.LastSeen > s_keepAfterExit)
                {
                    _threads.Remove(tid);
                }
            }
        }
    }

    public void Dispose() => _timer?.Dispose();
}
