namespace Tracer.Engine.Analysis;

/// <summary>How bad a finding is; findings are listed worst first.</summary>
public enum Severity
{
    Info = 0,
    Warning = 1,
    Error = 2,
    Critical = 3,
}
