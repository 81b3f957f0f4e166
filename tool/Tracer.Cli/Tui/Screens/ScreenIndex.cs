namespace Tracer.Cli.Tui.Screens;

/// <summary>Screen positions (key 1 is index 0).</summary>
internal static class ScreenIndex
{
    public const int Overview = 0;
    public const int Threads = 1;
    public const int Locks = 2;
    public const int Deadlock = 3;
    public const int Pool = 4;
    public const int Events = 5;
    public const int Processes = 6;
}
