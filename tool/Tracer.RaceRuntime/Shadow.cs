using System.Runtime.CompilerServices;

namespace Tracer.RaceRuntime;

/// <summary>
/// FastTrack shadow state of one location (a field of one object, a static field, a collection) beyond the two epochs
/// of its <see cref="ShadowCell"/>: the sites and thread ids of the last write and read, and the reads since the last
/// write once concurrent readers appear (one per thread). The same-epoch checks run without the gate (an epoch is one
/// long, written under the gate); the rest under it. So a race names both sides without a history.
/// A field's cell lives in the field's object; a collection's or a probe's lives here (<see cref="Read(int)"/>).
/// </summary>
public sealed class Shadow(string kind)
{
    private ShadowCell _cell;
    private int _writeSite;
    private int _writeThread;
    private int _readSite;
    private int _readThread;
    private Dictionary<int, (long Epoch, int Site, int Thread)>? _reads;
    private SpinGate _gate;

    public string Kind { get; } = kind;

    public void Read(int site)
    {
        RaceThread thread = RaceThread.Current;
        long now = thread.Epoch;
        if (Volatile.Read(ref _cell.Write) != now && Volatile.Read(ref _cell.Read) != now)
        {
            _cell.State ??= this;
            ReadSlow(ref _cell, Kind, thread, now, site);
        }
    }

    public void Write(int site)
    {
        RaceThread thread = RaceThread.Current;
        long now = thread.Epoch;
        if (Volatile.Read(ref _cell.Write) != now)
        {
            _cell.State ??= this;
            WriteSlow(ref _cell, Kind, thread, now, site);
        }
    }

    /// <summary>A read in a new epoch (or a first read by this thread): check it against the last write, record it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void ReadSlow(ref ShadowCell cell, string kind, RaceThread thread, long now, int site)
    {
        thread.AtomicsDirty = true;
        Shadow state = cell.State ?? Create(ref cell, kind);
        int raceSite = 0, raceThread = 0;
        state._gate.Enter();
        long write = cell.Write, read = cell.Read;
        if (write != 0 && !thread.HasSeen(write))
        {
            (raceSite, raceThread) = (state._writeSite, state._writeThread);
        }

        if (state._reads is not null)
        {
            state._reads[thread.Index] = (now, site, thread.ThreadId);
        }
        else if (read == 0 || thread.HasSeen(read))
        {
            (state._readSite, state._readThread) = (site, thread.ThreadId);
            Volatile.Write(ref cell.Read, now);
        }
        else
        {
            state._reads = new Dictionary<int, (long, int, int)>
            {
                [(int)(read >> 32)] = (read, state._readSite, state._readThread),
                [thread.Index] = (now, site, thread.ThreadId),
            };
            Volatile.Write(ref cell.Read, -1); // never an epoch: the fast path always goes to the map
        }

        state._gate.Exit();
        if (raceSite != 0)
        {
            RaceReports.Race(state.Kind, raceSite, firstWrite: true, raceThread, site, write: false);
        }
    }

    /// <summary>
    /// A write in a new epoch: check it against the last write and the reads since, record it. The fast path skips a
    /// write when this thread wrote last in this epoch: a read by another thread since then cannot be ordered after this
    /// epoch (no release yet), so it was already reported against that write, and reports are per location.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void WriteSlow(ref ShadowCell cell, string kind, RaceThread thread, long now, int site)
    {
        thread.AtomicsDirty = true;
        Shadow state = cell.State ?? Create(ref cell, kind);
        int raceSite = 0, raceThread = 0;
        bool raceWrite = false;
        state._gate.Enter();
        long write = cell.Write, read = cell.Read;
        if (write != 0 && !thread.HasSeen(write))
        {
            (raceSite, raceThread, raceWrite) = (state._writeSite, state._writeThread, true);
        }
        else if (state._reads is not null)
        {
            foreach ((long epoch, int readSite, int readThread) in state._reads.Values)
            {
                if (!thread.HasSeen(epoch))
                {
                    (raceSite, raceThread) = (readSite, readThread);
                    break;
                }
            }
        }
        else if (read != 0 && !thread.HasSeen(read))
        {
            (raceSite, raceThread) = (state._readSite, state._readThread);
        }

        (state._writeSite, state._writeThread) = (site, thread.ThreadId);
        Volatile.Write(ref cell.Write, now);
        state._reads = null;
        Volatile.Write(ref cell.Read, 0);
        state._gate.Exit();
        if (raceSite != 0)
        {
            RaceReports.Race(state.Kind, raceSite, raceWrite, raceThread, site, write: true);
        }
    }

    private static Shadow Create(ref ShadowCell cell, string kind)
    {
        var shadow = new Shadow(kind);
        return Interlocked.CompareExchange(ref cell.State, shadow, null) ?? shadow;
    }
}
