using System.Runtime.CompilerServices;

namespace Tracer.RaceRuntime;

/// <summary>
/// The clock published on one synchronisation object (lock, event, semaphore, task, thread...), found by identity.
/// A release joins the releasing thread's clock into it; an acquire joins it into the acquiring thread's clock.
/// <see cref="Link"/> adds other points an acquire also joins (a WhenAll task joins its tasks).
/// </summary>
public sealed class SyncPoint
{
    private static readonly ConditionalWeakTable<object, SyncPoint> s_points = new();
    private static long s_lastId;
    private readonly VectorClock _clock = new();
    private List<SyncPoint>? _links;

    public long Id { get; } = Interlocked.Increment(ref s_lastId);

    public static SyncPoint Of(object obj) => s_points.GetValue(obj, static _ => new SyncPoint());

    public static SyncPoint? Find(object obj) => s_points.TryGetValue(obj, out SyncPoint? point) ? point : null;

    public static void Release(object? obj)
    {
        if (obj is not null)
        {
            Of(obj).Release(RaceThread.Current);
        }
    }

    public static void Acquire(object? obj)
    {
        if (obj is not null && Find(obj) is { } point)
        {
            point.Acquire(RaceThread.Current);
        }
    }

    public void Release(RaceThread thread)
    {
        lock (this)
        {
            thread.PublishTo(_clock);
        }
    }

    public void Acquire(RaceThread thread)
    {
        List<SyncPoint>? links;
        lock (this)
        {
            thread.Join(_clock);
            links = _links;
        }

        if (links is not null)
        {
            foreach (SyncPoint link in links.ToArray())
            {
                link.Acquire(thread);
            }
        }
    }

    public void Link(SyncPoint other)
    {
        lock (this)
        {
            (_links ??= []).Add(other);
        }
    }
}
