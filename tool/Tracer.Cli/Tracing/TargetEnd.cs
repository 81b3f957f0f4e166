namespace Tracer.Cli.Tracing;

/// <summary>Says how a traced process ended, from its exit code (on Linux, 128 + N when signal N ended it).</summary>
internal static class TargetEnd
{
    private const int SigAbrt = 6;

    public static string Describe(int pid, int? exitCode) => exitCode switch
    {
        null => $"pid {pid} ended",
        128 + SigAbrt => $"pid {pid} crashed: aborted (SIGABRT, exit code {exitCode}; an unhandled exception ends a .NET program this way)",
        > 128 and <= 128 + 64 => $"pid {pid} was killed by {SignalName(exitCode.Value - 128)} (exit code {exitCode})",
        _ => $"pid {pid} exited with code {exitCode}",
    };

    private static string SignalName(int signal) => signal switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        _ => $"signal {signal}",
    };
}
