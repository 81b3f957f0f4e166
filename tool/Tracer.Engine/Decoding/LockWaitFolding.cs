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
    private readonly HashSet<int> _inContention = [];
    private readonly HashSet<int> _foldedWaits = []; // threads inside a folded wait (its stop is folded too)

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
                _inContention.Add(threadId);
                return false;
            case RuntimeEventIds.ContentionStop:
                _inContention.Remove(threadId);
                return false;
            case RuntimeEventIds.WaitHandleWaitStart when _inContention.Contains(threadId):
                _foldedWaits.Add(threadId);
                Folded++;
                return true;
            case RuntimeEventIds.WaitHandleWaitStop when _foldedWaits.Count > 0 && _foldedWaits.Remove(threadId):
                Folded++;
                return true;
            default:
                return false;
        }
    }
}
