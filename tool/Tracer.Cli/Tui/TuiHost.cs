using Terminal.Gui.App;

namespace Tracer.Cli.Tui;

/// <summary>Runs the UI on the calling thread until the user quits, and always gives the terminal back.</summary>
internal static class TuiHost
{
    /// <summary>The UI needs a terminal on both ends; otherwise callers print the plain report.</summary>
    public static bool CanRun => !Console.IsOutputRedirected && !Console.IsInputRedirected;

    public const string NotATerminal = "dotnet-tracer: stdout or stdin is not a terminal; showing plain output instead of the terminal UI (--no-tui silences this line)";

    public static void Run(TuiSession session, SnapshotSource source)
    {
        // 25 iterations/s by default; 15 keeps keys snappy and leaves the CPU to the decoder.
        Application.MaximumIterationsPerSecond = 15;
        IApplication app = Application.Create().Init();
        try
        {
            using var root = new TuiRoot(app, session, source, Theme.FromEnvironment());
            app.Run(root);
        }
        finally
        {
            // Dispose restores the terminal (alternate screen, raw mode, cursor) on every path, exceptions included.
            app.Dispose();
        }
    }
}
