using System.Runtime.CompilerServices;
using System.Timers;

namespace Tracer.RaceRuntime;

/// <summary>
/// System.Timers.Timer: its Elapsed handlers run on pool threads after Start (or Enabled = true). What the owner did
/// before subscribing or starting is ordered before every handler run, as for System.Threading.Timer
/// (<see cref="ThreadCalls"/>); handler runs are not ordered with each other (they may overlap).
/// </summary>
public static class TimersTimerCalls
{
    private const string TimerType = "System.Timers.Timer";
    private static readonly ConditionalWeakTable<System.Timers.Timer, ThreadCalls.Edges> s_edges = new();
    /// <summary>Per timer, the wrapper subscribed in a handler's place, so that unsubscribing the handler removes it.</summary>
    private static readonly ConditionalWeakTable<System.Timers.Timer, ConditionalWeakTable<ElapsedEventHandler, ElapsedEventHandler>> s_wrappers = new();

    [Redirect(TimerType, "add_Elapsed", Instance = true)]
    public static void AddElapsed(System.Timers.Timer timer, ElapsedEventHandler? handler)
    {
        if (handler is null)
        {
            timer.Elapsed += handler;
            return;
        }

        ThreadCalls.Edges edges = s_edges.GetValue(timer, static _ => new ThreadCalls.Edges());
        edges.Start.Release(RaceThread.Current);
        ElapsedEventHandler wrapper = s_wrappers.GetValue(timer, static _ => new()).GetValue(handler, h => (sender, e) => edges.Run(() => h(sender, e)));
        timer.Elapsed += wrapper;
    }

    [Redirect(TimerType, "remove_Elapsed", Instance = true)]
    public static void RemoveElapsed(System.Timers.Timer timer, ElapsedEventHandler? handler) =>
        timer.Elapsed -= handler is not null && s_wrappers.TryGetValue(timer, out var wrappers) && wrappers.TryGetValue(handler, out ElapsedEventHandler? wrapper)
            ? wrapper : handler;

    [Redirect(TimerType, "Start", Instance = true)]
    public static void Start(System.Timers.Timer timer)
    {
        Released(timer);
        timer.Start();
    }

    [Redirect(TimerType, "set_Enabled", Instance = true)]
    public static void SetEnabled(System.Timers.Timer timer, bool enabled)
    {
        Released(timer);
        timer.Enabled = enabled;
    }

    private static void Released(System.Timers.Timer timer)
    {
        if (s_edges.TryGetValue(timer, out ThreadCalls.Edges? edges))
        {
            edges.Start.Release(RaceThread.Current);
        }
    }
}
