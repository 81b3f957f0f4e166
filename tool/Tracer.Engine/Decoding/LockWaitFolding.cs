using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Tracer.Engine.Decoding;

/// <summary>
/// Inside a lock contention, wait-handle events are the lock's own internal waits (~96 % of a convoy's events). They
/// say nothing the ContentionStart/Stop pair does not, so they are folded into it: counted, never decoded. The state is
/// each thread's own (its contention and its folded wait), so the decision only needs that thread's events in order:
/// our reader applies it while parsing, before an event is queued for time-ordering; with TraceEvent the decoder applies
/// it as events arrive.
/// </summary>
internal sealed class LockWaitFolding
{
    private const byte InContention = 1, InFoldedWait = 2; // a folded wait's stop is folded too

    /// <summary>Thread ids below this index an array directly (Linux tids are below pid_max, 2^22 at most); others hash.</summary>
    private const int DirectLimit = 1 << 22;

    /// <summary>Each thread's state bits, found without hashing for the usual small thread ids (two hash sets cost ~2.5 %
    /// of a replay); the array grows to the largest such id seen.</summary>
    private byte[] _direct = new byte[1024];
    private readonly Dictionary<int, byte> _others = new();

    /// <summary>Events folded so far; the decoder adds them to the event count.</summary>
    public long Folded { get; private set; }

    /// <summary>Sees every event of a thread in order; true when the event is folded (must not be decoded).</summary>
    public bool Fold(TraceProvider provider, int eventId, int threadId)
    {
        if (provider != TraceProvider.Runtime)
        {
            return false;
        }

        switch (eventId)
        {
            case RuntimeEventIds.ContentionStart:
                State(threadId, add: true) |= InContention;
                return false;
            case RuntimeEventIds.ContentionStop:
            {
                ref byte state = ref State(threadId, add: false);
                if (!Unsafe.IsNullRef(ref state))
                {
                    state &= unchecked((byte)~InContention);
                }

                return false;
            }

            case RuntimeEventIds.WaitHandleWaitStart:
            {
                ref byte state = ref State(threadId, add: false);
                if (Unsafe.IsNullRef(ref state) || (state & InContention) == 0)
                {
                    return false;
                }

                state |= InFoldedWait;
                Folded++;
                return true;
            }

            case RuntimeEventIds.WaitHandleWaitStop:
            {
                ref byte state = ref State(threadId, add: false);
                if (Unsafe.IsNullRef(ref state) || (state & InFoldedWait) == 0)
                {
                    return false;
                }

                state &= unchecked((byte)~InFoldedWait);
                Folded++;
                return true;
            }

            default:
                return false;
        }
    }

    /// <summary>The thread's state bits; a null ref when it has none and <paramref name="add"/> is false.</summary>
    private ref byte State(int threadId, bool add)
    {
        if ((uint)threadId < (uint)_direct.Length)
        {
            return ref _direct[threadId];
        }

        if ((uint)threadId < DirectLimit)
        {
            if (!add)
            {
                return ref Unsafe.NullRef<byte>(); // never set: beyond the array
            }

            Array.Resize(ref _direct, (int)Math.Min(DirectLimit, Math.Max((uint)threadId + 1, (uint)_direct.Length * 2)));
            return ref _direct[threadId];
        }

        return ref add ? ref CollectionsMarshal.GetValueRefOrAddDefault(_others, threadId, out _)
            : ref CollectionsMarshal.GetValueRefOrNullRef(_others, threadId);
    }
}
