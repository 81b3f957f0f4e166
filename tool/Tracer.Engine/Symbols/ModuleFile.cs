namespace Tracer.Engine.Symbols;

/// <summary>A loaded module as the runtime names it (ModuleLoad / ModuleDCEnd): its IL file and, when the trace says
/// it (ModuleLoad V2), the id of the PDB it was built with (Guid.Empty when unknown).</summary>
public sealed record ModuleFile(string ILPath, Guid PdbSignature);
