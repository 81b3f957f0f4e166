namespace Tracer.Demos.RaceCases;

/// <summary>The pair suite: racy and race-free twins, run by unit tests in-process and by integration tests traced.</summary>
public static class RaceCaseCatalog
{
    public static IReadOnlyList<RaceCase> All { get; } = [.. PublicationCases.All(), .. LockCases.All()];

    /// <summary>The demo entry: runs every case (or, fixed, only those that must report nothing), one after the other.</summary>
    public static int Run(bool fixedVariant)
    {
        foreach (RaceCase c in All.Where(c => !fixedVariant || c.ExpectKind is null))
        {
            c.Run();
            Console.WriteLine($"case {c.Name}: ran (expect {c.ExpectKind ?? "nothing"})");
        }

        return 0;
    }
}
