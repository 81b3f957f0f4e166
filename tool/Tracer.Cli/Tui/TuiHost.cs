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
        // A key waits for the next iteration (up to 1/rate; 15/s → 30/s took keys from ~190 to ~110 ms, 1M-event replay,
        // docs/performance.md). An idle iteration draws nothing: an idle UI's CPU at 60/s stayed within the noise of 30/s
        // (mostly the thread pool's timer wake-ups), and 60/s halves that wait.
        Application.MaximumIterationsPerSecond = 60;
        IApplication app = Application.Create().Init();
        UiTimings.Current?.Mark("app-init");
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
