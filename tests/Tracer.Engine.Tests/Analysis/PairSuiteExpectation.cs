using Tracer.Demos.RaceCases;
using Tracer.Engine.Analysis;

namespace Tracer.Engine.Tests.Analysis;

/// <summary>What a pair-suite case must have produced: its expected finding on its subject, and nothing else of its own.</summary>
internal static class PairSuiteExpectation
{
    public static void Check(RaceCase c, IReadOnlyList<Finding> all)
    {
        string prefix = $"'{c.Name}.";
        List<Finding> mine = [.. all.Where(f => f.Summary.Contains(prefix, StringComparison.Ordinal))];
        if (c.ExpectKind is null)
        {
            Assert.True(mine.Count == 0, $"{c.Name}: expected no finding, got: {string.Join(" | ", mine.Select(f => f.Summary))}");
            return;
        }

        Assert.True(mine.Count > 0, $"{c.Name}: expected a {c.ExpectKind}, got nothing");
        Assert.All(mine, f => Assert.Equal(c.ExpectKind, f.Kind));
        // The right place: some finding names the location (a race) or every lock of the cycle (an inversion).
        string[] subjects = c.Subject!.Split(',');
        Assert.True(mine.Exists(f => subjects.All(s => f.Summary.Contains($"'{s}'", StringComparison.Ordinal))),
            $"{c.Name}: no finding names {c.Subject}: {string.Join(" | ", mine.Select(f => f.Summary))}");
    }
}
