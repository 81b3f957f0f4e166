namespace Tracer.Probes;

/// <summary>A thread whose start and join are happens-before edges: what the parent did before Start is visible
/// to the thread, and what the thread did is visible after Join.</summary>
public sealed class TracedThread
{
    private readonly Thread _thread;
    private readonly string _name;

    private TracedThread(Action body, string name)
    {
        _name = name;
        _thread = new Thread(() =>
        {
            Probe.Wait(this, _name);
            body();
            Probe.Signal(this, _name);
        })
        { Name = name, IsBackground = true };
    }

    public Thread Thread => _thread;

    /// <summary>Creates and starts a named thread.</summary>
    public static TracedThread Start(Action body, string name = "thread")
    {
        var traced = new TracedThread(body, name);
        Probe.Signal(traced, name);
        traced._thread.Start();
        return traced;
    }

    /// <summary>Waits for the thread to end; its writes are then ordered before the caller's next accesses.</summary>
    public void Join()
    {
        _thread.Join();
        Probe.Wait(this, _name);
    }

    /// <summary>Joins with a timeout; the edge exists only when the thread ended.</summary>
    public bool Join(TimeSpan timeout)
    {
        if (!_thread.Join(timeout))
        {
            return false;
        }

        Probe.Wait(this, _name);
        return true;
    }
}
