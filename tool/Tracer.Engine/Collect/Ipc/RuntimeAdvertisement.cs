namespace Tracer.Engine.Collect.Ipc;

/// <summary>A runtime that connected to our reversed diagnostic port ("ADVR_V1" message): its instance cookie and PID.</summary>
public sealed record RuntimeAdvertisement(Guid Cookie, int ProcessId);
