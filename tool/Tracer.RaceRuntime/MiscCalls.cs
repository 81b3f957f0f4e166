using System.Runtime.CompilerServices;

namespace Tracer.RaceRuntime;

/// <summary>Lazy&lt;T&gt; (the factory's writes are published before Value returns them) and Tracer.Probes' stated intent.</summary>
public static class MiscCalls
{
    private const string LazyOf = "System.Lazy`1";
    private const string Probe = "Tracer.Probes.Probe";
    private static readonly ConditionalWeakTable<object, Dictionary<string, Shadow>> s_named = new();

    [Redirect(LazyOf, ".ctor")]
    public static Lazy<T> NewLazy<T>(Func<T> factory) => Register(new SyncPoint(), p => new Lazy<T>(Published(factory, p)));

    [Redirect(LazyOf, ".ctor")]
    public static Lazy<T> NewLazy<T>(Func<T> factory, bool threadSafe) => Register(new SyncPoint(), p => new Lazy<T>(Published(factory, p), threadSafe));

    [Redirect(LazyOf, ".ctor")]
    public static Lazy<T> NewLazy<T>(Func<T> factory, LazyThreadSafetyMode mode) => Register(new SyncPoint(), p => new Lazy<T>(Published(factory, p), mode));

    [Redirect(LazyOf, "get_Value", Instance = true)]
    public static T LazyValue<T>(Lazy<T> lazy)
    {
        T value = lazy.Value;
        SyncPoint.Acquire(lazy);
        return value;
    }

    [Redirect(Probe, "Signal")]
    public static void ProbeSignal(object handoff, string name) => SyncPoint.Release(handoff);

    [Redirect(Probe, "Wait")]
    public static void ProbeWait(object handoff, string name) => SyncPoint.Acquire(handoff);

    [Redirect(Probe, "Read")]
    public static void ProbeRead(object owner, string name, int site) => Named(owner, name).Read(site);

    [Redirect(Probe, "Write")]
    public static void ProbeWrite(object owner, string name, int site) => Named(owner, name).Write(site);

    private static Shadow Named(object owner, string name)
    {
        Dictionary<string, Shadow> names = s_named.GetValue(owner, static _ => new Dictionary<string, Shadow>());
        lock (names)
        {
            if (!names.TryGetValue(name, out Shadow? shadow))
            {
                names[name] = shadow = new Shadow("field");
            }

            return shadow;
        }
    }

    private static Func<T> Published<T>(Func<T> factory, SyncPoint point) => () =>
    {
        T value = factory();
        point.Release(RaceThread.Current);
        return value;
    };

    private static Lazy<T> Register<T>(SyncPoint point, Func<SyncPoint, Lazy<T>> create)
    {
        Lazy<T> lazy = create(point);
        SyncPoint.Of(lazy).Link(point);
        return lazy;
    }
}
