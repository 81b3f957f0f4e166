using System.Runtime.CompilerServices;

namespace Tracer.RaceRuntime;

/// <summary>
/// A thread's FastTrack state: its vector clock (indexed by thread index) and its current epoch (index, own clock)
/// packed in one long so a shadow compares it in one instruction. Other threads only read <see cref="Own"/>.
/// </summary>
public sealed class RaceThread
{
    [ThreadStatic]
    private static RaceThread? t_current;
    private static readonly Lock s_registry = new();
    private static RaceThread[] s_all = new RaceThread[16];
    private static int s_count;

    private int[] _clock;
    private volatile int _own = 1;

    private RaceThread(int index)
    {
        Index = index;
        _clock = new int[Math.Max(16, index + 1)];
        _clock[index] = 1;
        Epoch = Pack(index, 1);
        ThreadId = OsThreadId();
    }

    public int Index { get; }
    public int ThreadId { get; }
    /// <summary>(Index &lt;&lt; 32) | own clock.</summary>
    public long Epoch;
    /// <summary>Set by any checked access in a new epoch; cleared when the thread publishes on the atomics clock.</summary>
    internal bool AtomicsDirty = true;
    /// <summary>Counts changes of this clock (ticks and joins), so a publication of an unchanged clock can be skipped.</summary>
    internal int Version;
    internal int AtomicsPublishedVersion = -1;
    internal int AtomicsJoinedVersion = -1;
    /// <summary>Lock orders (held, taken) this thread already put in the order graph.</summary>
    internal readonly HashSet<(long, long)> KnownOrders = [];
    /// <summary>Locks this thread holds (for lock order and reports), innermost last.</summary>
    internal readonly List<HeldLock> Held = [];

    public int Own => _own;

    public static RaceThread Current
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => t_current ?? Create();
    }

    public static long Pack(int index, int clock) => ((long)index << 32) | (uint)clock;

    /// <summary>True when the access at <paramref name="epoch"/> happens before this thread's current step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool HasSeen(long epoch)
    {
        int index = (int)(epoch >> 32);
        int[] clock = _clock;
        return index == Index || (uint)index < (uint)clock.Length && clock[index] >= (int)epoch;
    }

    public int ClockOf(int index) => index < _clock.Length ? _clock[index] : 0;

    /// <summary>A release: later steps of this thread are not covered by what was published.</summary>
    public void Tick()
    {
        int next = ++_clock[Index];
        _own = next;
        Epoch = Pack(Index, next);
        Version++;
    }

    /// <summary>Copies this thread's clock into <paramref name="target"/> (joining), then ticks.</summary>
    public void PublishTo(VectorClock target)
    {
        target.Join(_clock);
        Tick();
    }

    public void Join(VectorClock source)
    {
        source.JoinInto(ref _clock);
        Version++;
    }

    /// <summary>
    /// The conservative edge for synchronisation that is not modelled (an awaiter of an unknown type, a ValueTask):
    /// everything every thread did so far is taken as ordered before this thread's next step. It can hide a race,
    /// never invent one.
    /// </summary>
    public void JoinAll()
    {
        Version++;
        RaceThread[] all = s_all;
        int count = Volatile.Read(ref s_count);
        for (int i = 0; i < count && i < all.Length; i++)
        {
            RaceThread? other = all[i];
            if (other is null || other == this)
            {
                continue;
            }

            if (other.Index >= _clock.Length)
            {
                Array.Resize(ref _clock, Math.Max(other.Index + 1, _clock.Length * 2));
            }

            _clock[other.Index] = Math.Max(_clock[other.Index], other.Own);
        }
    }

    /// <summary>The OS thread id, which the tracer's events and thread names use (the managed id if it cannot be had).</summary>
    private static int OsThreadId()
    {
        try
        {
            return OperatingSystem.IsLinux() ? Native.gettid() : Environment.CurrentManagedThreadId;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return Environment.CurrentManagedThreadId;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static RaceThread Create()
    {
        lock (s_registry)
        {
            var thread = new RaceThread(s_count);
            if (s_count == s_all.Length)
            {
                Array.Resize(ref s_all, s_all.Length * 2);
            }

            s_all[s_count] = thread;
            Volatile.Write(ref s_count, s_count + 1);
            t_current = thread;
            return thread;
        }
    }
}

/// <summary>A lock a thread holds: its identity and where it was taken (a site id).</summary>
internal readonly record struct HeldLock(object Lock, long Id, int Site);

internal static partial class Native
{
    [System.Runtime.InteropServices.LibraryImport("libc")]
    internal static partial int gettid();
}
