namespace Tracer.Engine.Analysis;

/// <summary>
/// FastTrack state of one probed location: the last write as an epoch, and the reads since as one epoch while they
/// are totally ordered, or as a per-thread map once concurrent readers appear (the rare case).
/// </summary>
internal sealed class ProbeLocationState(string name)
{
    public string Name { get; } = name;
    public ProbeAccess LastWrite;
    public ProbeAccess LastRead;
    public Dictionary<int, ProbeAccess>? SharedReads;
    public bool Reported;
}
