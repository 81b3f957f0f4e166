using Tracer.Engine.Model;
using ThreadState = Tracer.Engine.Model.ThreadState;

namespace Tracer.Cli.Tui;

/// <summary>One glyph per thread state: the timeline stays readable without colour (NO_COLOR).</summary>
internal static class StateGlyphs
{
    public const char None = ' ';

    public static char Of(ThreadState state) => state switch
    {
        ThreadState.Running => '=',
        ThreadState.WaitingOnLock => '#',
        ThreadState.WaitingOnHandle => '~',
        ThreadState.PoolIdle => '.',
        _ => '_',
    };

    public static string Describe(ThreadState state) => state switch
    {
        ThreadState.Running => "running",
        ThreadState.WaitingOnLock => "waiting on lock",
        ThreadState.WaitingOnHandle => "waiting on handle",
        ThreadState.PoolIdle => "pool idle",
        _ => "exited",
    };

    public static readonly string Legend = "= running  # lock wait  ~ handle wait  . pool idle  _ exited";
}
