namespace Tracer.Cli;

/// <summary>The tool's documented exit codes (README "Exit codes").</summary>
internal static class ExitCodes
{
    /// <summary>Done; no finding named by --fail-on.</summary>
    public const int Ok = 0;
    /// <summary>A finding named by --fail-on was found.</summary>
    public const int FindingFound = 1;
    /// <summary>Usage or input error (bad PID, not a .NET process, unreadable trace); one line on stderr.</summary>
    public const int UsageError = 2;
    /// <summary>A fault in the tool itself (an exception nothing expected); one line on stderr, no stack trace.</summary>
    public const int InternalError = 3;
}
