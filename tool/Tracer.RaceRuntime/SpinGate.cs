namespace Tracer.RaceRuntime;

/// <summary>
/// A tiny spin gate for the runtime's own bookkeeping (shadows, published clocks). Deliberately not a Monitor: the
/// tracer analyses the program's Monitor contention, and the detector's own must not show up there.
/// </summary>
internal struct SpinGate
{
    private int _taken;

    public void Enter()
    {
        if (Interlocked.CompareExchange(ref _taken, 1, 0) != 0)
        {
            var spin = new SpinWait();
            while (Interlocked.CompareExchange(ref _taken, 1, 0) != 0)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }
        }
    }

    public void Exit() => Volatile.Write(ref _taken, 0);
}
