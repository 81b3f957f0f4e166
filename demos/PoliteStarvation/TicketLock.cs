namespace Tracer.Demos.PoliteStarvation;

/// <summary>
/// A fair lock: each thread draws a ticket and waits until its number is called, so the lock passes in arrival order
/// and a thread that just let go must queue behind everyone already waiting.
/// </summary>
internal sealed class TicketLock
{
    private readonly object _counter = new();
    private long _nextTicket;
    private long _nowServing;

    public void Enter()
    {
        lock (_counter)
        {
            long ticket = _nextTicket++;
            while (ticket != _nowServing)
            {
                Monitor.Wait(_counter);
            }
        }
    }

    public void Exit()
    {
        lock (_counter)
        {
            _nowServing++;
            Monitor.PulseAll(_counter);
        }
    }
}
