namespace Tracer.Probes;

/// <summary>
/// Probes for code that does not use the wrappers: happens-before edges on any object, shared accesses by name and
/// named regions. Each call is one IsEnabled check when no tracer listens.
/// </summary>
public static class Probe
{
    private static readonly ProbeEventSource s_log = ProbeEventSource.Log;

    /// <summary>True while a tracer listens; guard any expensive argument computation with it.</summary>
    public static bool Enabled => s_log.IsEnabled();

    /// <summary>Release side: call just BEFORE the operation that lets another thread go on (Set, Release, Add, Start).</summary>
    public static void Signal(object handoff, string name = "")
    {
        if (s_log.IsEnabled())
        {
            s_log.Signal(ProbeIds.Of(handoff), name);
        }
    }

    /// <summary>Acquire side: call just AFTER the operation that waited for another thread (Wait, Take, Join) returned.</summary>
    public static void Wait(object handoff, string name = "")
    {
        if (s_log.IsEnabled())
        {
            s_log.Wait(ProbeIds.Of(handoff), name);
        }
    }

    /// <summary>A read of the location <paramref name="owner"/> stands for (e.g. the object whose field is read).</summary>
    public static void Read(object owner, string name)
    {
        if (s_log.IsEnabled())
        {
            s_log.Read(ProbeIds.Of(owner), name);
        }
    }

    /// <summary>A write of the location <paramref name="owner"/> stands for.</summary>
    public static void Write(object owner, string name)
    {
        if (s_log.IsEnabled())
        {
            s_log.Write(ProbeIds.Of(owner), name);
        }
    }

    /// <summary>Marks a named region: <c>using (Probe.Region("flush")) { ... }</c>.</summary>
    public static RegionScope Region(string name)
    {
        if (!s_log.IsEnabled())
        {
            return default;
        }

        long id = ProbeIds.Next();
        s_log.RegionBegin(id, name);
        return new RegionScope(id, name);
    }

    /// <summary>Ends a region when disposed.</summary>
    public readonly struct RegionScope(long id, string name) : IDisposable
    {
        public void Dispose()
        {
            if (id != 0 && s_log.IsEnabled())
            {
                s_log.RegionEnd(id, name);
            }
        }
    }
}
