using Tracer.Engine.Events;

namespace Tracer.Engine.Analysis;

/// <summary>A thread's vector clock and the probed locks it holds (for reports).</summary>
internal sealed class RaceThreadState
{
    private const string NoLock = "no probed lock";
    private readonly List<(ulong Id, string? Name)> _held = [];
    private readonly Dictionary<ulong, string> _singleLockTexts;
    private string? _heldText = NoLock;

    public RaceThreadState(int index, int threadId, int processId, Dictionary<ulong, string> singleLockTexts)
    {
        _singleLockTexts = singleLockTexts;
        Index = index;
        ThreadId = threadId;
        ProcessId = processId;
        Clock[index] = 1;
    }

    public int Index { get; }
    public int ThreadId { get; }
    public int ProcessId { get; }
    public VectorClock Clock { get; } = new();

    public ProbeAccess Access(int clock, bool isWrite, in TraceRecord e) =>
        new(Index, clock, isWrite, ThreadId, ProcessId, e.StackId, e.TimeMs, _heldText ??= HeldText());

    public void Acquired(ulong id, string? name)
    {
        _held.Add((id, name));
        _heldText = null;
    }

    public void Released(ulong id)
    {
        int last = _held.FindLastIndex(h => h.Id == id);
        if (last >= 0)
        {
            _held.RemoveAt(last);
            _heldText = null;
        }
    }

    /// <summary>Built only when an access needs it; the one-lock case (most accesses) is cached per lock.</summary>
    private string HeldText()
    {
        if (_held.Count == 0)
        {
            return NoLock;
        }

        if (_held.Count == 1 && _singleLockTexts.TryGetValue(_held[0].Id, out string? cached))
        {
            return cached;
        }

        string text = string.Join(", ", _held.Select(h => $"'{h.Name ?? $"lock#{h.Id}"}'").Distinct());
        if (_held.Count == 1)
        {
            _singleLockTexts[_held[0].Id] = text;
        }

        return text;
    }
}
