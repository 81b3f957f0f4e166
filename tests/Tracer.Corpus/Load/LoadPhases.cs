namespace Tracer.Corpus.Load;

/// <summary>
/// When a load generator sends: busy stretches separated by idle ones (3 s and 6 s, longer than the tracer's 2 s hang
/// threshold), as real traffic comes and goes. Time is measured from the start of the load.
/// </summary>
internal static class LoadPhases
{
    private static readonly (double BusySeconds, double IdleSeconds)[] s_cycle = [(4, 3), (4, 6)];

    /// <summary>True when <paramref name="elapsed"/> falls in a busy stretch.</summary>
    public static bool IsBusy(TimeSpan elapsed)
    {
        double cycle = s_cycle.Sum(p => p.BusySeconds + p.IdleSeconds);
        double t = elapsed.TotalSeconds % cycle;
        foreach ((double busy, double idle) in s_cycle)
        {
            if (t < busy)
            {
                return true;
            }

            t -= busy;
            if (t < idle)
            {
                return false;
            }

            t -= idle;
        }

        return false;
    }
}
