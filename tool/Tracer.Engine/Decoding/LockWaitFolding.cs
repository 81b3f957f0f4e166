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

    /// <summary>Each thread's state bits: one hash lookup per event (two sets cost ~2.5 % of a replay). Entries stay
    /// (zero) after their thread's contention: bounded by the thread count.</summary>
    private readonly Dictionary<int, byte> _threads = new();

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
                CollectionsMarshal.GetValueRefOrAddDefault(_threads, threadId, out _) |= InContention;
                return false;
            case RuntimeEventIds.ContentionStop:
            {
                ref byte state = ref CollectionsMarshal.GetValueRefOrNullRef(_threads, threadId);
                if (!Unsafe.IsNullRef(ref state))
                {
                    state &= unchecked((byte)~InContention);
                }

                return false;
            }

            case RuntimeEventIds.WaitHandleWaitStart:
            {
                ref byte state = ref CollectionsMarshal.GetValueRefOrNullRef(_threads, threadId);
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
                ref byte state = ref CollectionsMarshal.GetValueRefOrNullRef(_threads, threadId);
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
}
