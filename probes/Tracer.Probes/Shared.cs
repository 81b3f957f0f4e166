namespace Tracer.Probes;

/// <summary>
/// A value shared between threads whose reads and writes the tracer checks for data races. It adds no
/// synchronisation itself: protect it with a <see cref="TracedLock"/>, or order it with <see cref="Probe.Signal"/> /
/// <see cref="Probe.Wait"/>, exactly as the real code must.
/// </summary>
public sealed class Shared<T>(string name, T initial = default!)
{
    private T _value = initial;

    /// <summary>The identity the tracer reports.</summary>
    public long Id { get; } = ProbeIds.Next();

    public string Name { get; } = name;

    public T Read()
    {
        ProbeEventSource log = ProbeEventSource.Log;
        if (log.IsEnabled())
        {
            log.Read(Id, Name);
        }

        return _value;
    }

    public void Write(T value)
    {
        ProbeEventSource log = ProbeEventSource.Log;
        if (log.IsEnabled())
        {
            log.Write(Id, Name);
        }

        _value = value;
    }

    /// <summary>Read-modify-write in one call (still two accesses, still racy without a lock).</summary>
    public void Update(Func<T, T> change) => Write(change(Read()));
}
