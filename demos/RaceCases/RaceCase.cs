namespace Tracer.Demos.RaceCases;

/// <summary>
/// One case of the race-detector pair suite. Every probed name starts with the case name plus a dot, so a
/// finding can be traced back to its case.
/// </summary>
/// <param name="Name">Unique case name (prefix of its probe names).</param>
/// <param name="ExpectKind">"race", "potential-deadlock", or null when the case must report nothing.</param>
/// <param name="Subject">For a race: the location's full probe name; for a potential deadlock: the locks, comma-separated.</param>
/// <param name="Run">Runs the case to completion (its threads joined).</param>
public sealed record RaceCase(string Name, string? ExpectKind, string? Subject, Action Run)
{
    public static RaceCase Racy(string name, string location, Action run) => new(name, "race", $"{name}.{location}", run);

    public static RaceCase Inversion(string name, string locks, Action run) =>
        new(name, "potential-deadlock", string.Join(",", locks.Split(',').Select(l => $"{name}.{l}")), run);

    public static RaceCase Clean(string name, Action run) => new(name, null, null, run);
}
