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
    private SpinGate _gate;

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
        _gate.Enter();
        thread.PublishTo(_clock);
        _gate.Exit();
    }

    public void Acquire(RaceThread thread)
    {
        List<SyncPoint>? links;
        _gate.Enter();
        thread.Join(_clock);
        links = _links;
        _gate.Exit();

        if (links is not null)
        {
            SyncPoint[] snapshot;
            _gate.Enter();
            snapshot = [.. links];
            _gate.Exit();
            foreach (SyncPoint link in snapshot)
            {
                link.Acquire(thread);
            }
        }
    }

    public void Link(SyncPoint other)
    {
        _gate.Enter();
        (_links ??= []).Add(other);
        _gate.Exit();
    }
}
