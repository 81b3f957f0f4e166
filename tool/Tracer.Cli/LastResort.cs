namespace Tracer.Cli;

/// <summary>
/// What the tool does with an exception nothing expected: one line on stderr and <see cref="ExitCodes.InternalError"/>,
/// never a stack trace or the runtime's abort (exit 134). DOTNET_TRACER_STACKS=1 prints the whole exception too, for
/// whoever fixes it.
/// </summary>
internal static class LastResort
{
    private static int s_installed;

    /// <summary>Also catches exceptions on threads of our own (the decoder, the pump), which would otherwise abort the process.</summary>
    public static void Install(TextWriter stderr)
    {
        if (Interlocked.Exchange(ref s_installed, 1) == 0)
        {
            AppDomain.CurrentDomain.UnhandledException += (_, e) =>
            {
                Report(e.ExceptionObject as Exception, stderr);
                Environment.Exit(ExitCodes.InternalError);
            };
        }
    }

    public static int Report(Exception? ex, TextWriter stderr)
    {
        string what = ex is null ? "unknown error" : $"{ex.GetType().Name}: {FirstLine(ex.Message)}";
        stderr.WriteLine($"dotnet-tracer: internal error ({what}); this is a bug in dotnet-tracer, please report it with the command line");
        if (Environment.GetEnvironmentVariable("DOTNET_TRACER_STACKS") == "1")
        {
            stderr.WriteLine(ex);
        }

        stderr.Flush();
        return ExitCodes.InternalError;
    }

    private static string FirstLine(string text)
    {
        int newline = text.IndexOf('\n');
        return newline < 0 ? text : text[..newline].TrimEnd();
    }
}
