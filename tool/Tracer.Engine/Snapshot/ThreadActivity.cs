namespace Tracer.Engine.Snapshot;

/// <summary>
/// Judges from periodic samples of each thread's context-switch count whether it made progress while watched.
/// A blocked thread shows nothing; a timed wait that polls (Barrier wakes after 100 ms, 200 ms, 400 ms, ... up to
/// every 10 s, and spins ~15 switches each time) shows a few short bursts; a working thread is active in most
/// intervals or wakes often. Pure: testable on synthetic samples.
/// </summary>
public static class ThreadActivity
{
    /// <summary>More separate bursts than this is a thread that keeps coming back to work.</summary>
    public const int PollBursts = 4;

    /// <param name="samples">Switch counts by OS thread id, in time order, equally spaced.</param>
    public static Dictionary<int, Activity> Judge(IReadOnlyList<IReadOnlyDictionary<int, long>> samples)
    {
        var result = new Dictionary<int, Activity>();
        if (samples.Count < 2)
        {
            return result;
        }

        int intervals = samples.Count - 1;
        foreach (int tid in samples[0].Keys.Where(t => samples[^1].ContainsKey(t)))
        {
            int active = 0, bursts = 0;
            bool previousActive = false;
            for (int i = 1; i < samples.Count; i++)
            {
                bool isActive = samples[i].TryGetValue(tid, out long now) && samples[i - 1].TryGetValue(tid, out long before) && now != before;
                active += isActive ? 1 : 0;
                bursts += isActive && !previousActive ? 1 : 0;
                previousActive = isActive;
            }

            bool progress = active * 2 > intervals || bursts > PollBursts;
            result[tid] = new Activity(progress, samples[^1][tid] - samples[0][tid], bursts);
        }

        return result;
    }

    /// <param name="Wakeups">Context switches over the whole window.</param>
    /// <param name="Bursts">Runs of consecutive intervals in which the thread was scheduled.</param>
    public readonly record struct Activity(bool MadeProgress, long Wakeups, int Bursts);
}
