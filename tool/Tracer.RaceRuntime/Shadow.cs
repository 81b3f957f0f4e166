using System.Runtime.CompilerServices;

namespace Tracer.RaceRuntime;

/// <summary>
/// FastTrack shadow state of one location (a field of one object, a static field, a collection): the last write as an
/// epoch and the reads since as one epoch while they are ordered, or one per thread once concurrent readers appear.
/// The same-epoch checks run without the gate (an epoch is one long, written under the gate); the rest under it.
/// Each epoch keeps its site and thread id, so a race names both sides without a history.
/// </summary>
public sealed class Shadow(string kind)
{
    private long _write;
    private long _read;
    private int _writeSite;
    private int _writeThread;
    private int _readSite;
    private int _readThread;
    private Dictionary<int, (long Epoch, int Site, int Thread)>? _reads;
    private SpinGate _gate;

    public string Kind { get; } = kind;

    public void Read(int site) => Read(RaceThread.Current, site);

    public void Write(int site) => Write(RaceThread.Current, site);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Read(RaceThread thread, int site)
    {
        long now = thread.Epoch;
        if (Volatile.Read(ref _write) == now || Volatile.Read(ref _read) == now)
        {
            return; // this thread already read (or wrote) here in this epoch
        }

        ReadSlow(thread, now, site);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(RaceThread thread, int site)
    {
        long now = thread.Epoch;
        if (Volatile.Read(ref _write) == now)
        {
            // This thread wrote last, in this epoch. A read by another thread since then cannot be ordered after this
            // epoch (no release yet), so it was already reported against that write, and reports are per location.
            return;
        }

        WriteSlow(thread, now, site);
    }

    private void ReadSlow(RaceThread thread, long now, int site)
    {
        thread.AtomicsDirty = true;
        int raceSite = 0, raceThread = 0;
        Enter();
        if (_write != 0 && !thread.HasSeen(_write))
        {
            (raceSite, raceThread) = (_writeSite, _writeThread);
        }

        if (_reads is not null)
        {
            _reads[thread.Index] = (now, site, thread.ThreadId);
        }
        else if (_read == 0 || thread.HasSeen(_read))
        {
            (_readSite, _readThread) = (site, thread.ThreadId);
            Volatile.Write(ref _read, now);
        }
        else
        {
            _reads = new Dictionary<int, (long, int, int)>
            {
                [(int)(_read >> 32)] = (_read, _readSite, _readThread),
                [thread.Index] = (now, site, thread.ThreadId),
            };
            Volatile.Write(ref _read, -1); // never an epoch: the fast path always goes to the map
        }

        Exit();
        if (raceSite != 0)
        {
            RaceReports.Race(Kind, raceSite, firstWrite: true, raceThread, site, write: false);
        }
    }

    private void WriteSlow(RaceThread thread, long now, int site)
    {
        thread.AtomicsDirty = true;
        int raceSite = 0, raceThread = 0;
        bool raceWrite = false;
        Enter();
        if (_write != 0 && !thread.HasSeen(_write))
        {
            (raceSite, raceThread, raceWrite) = (_writeSite, _writeThread, true);
        }
        else if (_reads is not null)
        {
            foreach ((long epoch, int readSite, int readThread) in _reads.Values)
            {
                if (!thread.HasSeen(epoch))
                {
                    (raceSite, raceThread) = (readSite, readThread);
                    break;
                }
            }
        }
        else if (_read != 0 && !thread.HasSeen(_read))
        {
            (raceSite, raceThread) = (_readSite, _readThread);
        }

        (_writeSite, _writeThread) = (site, thread.ThreadId);
        Volatile.Write(ref _write, now);
        _reads = null;
        Volatile.Write(ref _read, 0);
        Exit();
        if (raceSite != 0)
        {
            RaceReports.Race(Kind, raceSite, raceWrite, raceThread, site, write: true);
        }
    }

    private void Enter()
    {
        _gate.Enter();
    }

    private void Exit() => _gate.Exit();
}
