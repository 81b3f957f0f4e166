namespace Tracer.Engine.Collect;

/// <summary>A process that publishes a .NET diagnostic port this user can open.</summary>
public sealed record DotnetProcess(int ProcessId, string Name, string CommandLine);
