using System.Runtime.CompilerServices;
using Xunit;

namespace Tracer.Cli.Tests.Contract;

/// <summary>
/// Golden files of the output contract: what `report` prints for each committed fixture, compared exactly.
/// <para>
/// When output changes on purpose (a detector, a renderer or a schema field changed), regenerate every golden with
/// one command from the repository root, then review the diff like code:
/// <code>UPDATE_GOLDEN=1 dotnet test tests/Tracer.Cli.Tests --filter "FullyQualifiedName~Contract"</code>
/// With UPDATE_GOLDEN=1 the tests write tests/fixtures/golden/* and pass; without it they fail on any difference and
/// print the first differing line. Documented in docs/reliability.md ("Output contract").
/// </para>
/// </summary>
internal static class Golden
{
    public static bool Updating => Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1";

    /// <summary>The repository's tests/fixtures (the source, not the build output, so that updates land in git).</summary>
    public static string FixturesDirectory { get; } = FindFixtures();

    public static string GoldenDirectory => Path.Combine(FixturesDirectory, "golden");

    /// <summary>The root traces among the fixtures (child traces FILE.PID.nettrace are reported through their root).</summary>
    public static IEnumerable<string> TraceNames() =>
        Directory.EnumerateFiles(FixturesDirectory, "*.nettrace")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(n => n is not null && !IsChildTrace(n))
            .Select(n => n!)
            .Order(StringComparer.Ordinal);

    public static string TracePath(string name) => Path.Combine(FixturesDirectory, name + ".nettrace");

    /// <summary>Compares <paramref name="actual"/> with golden file <paramref name="fileName"/>, or writes it when updating.</summary>
    public static void Check(string fileName, string actual)
    {
        string path = Path.Combine(GoldenDirectory, fileName);
        actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (Updating)
        {
            Directory.CreateDirectory(GoldenDirectory);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"no golden file {path}; create it with UPDATE_GOLDEN=1 (see {nameof(Golden)})");
        string expected = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (expected == actual)
        {
            return;
        }

        string[] e = expected.Split('\n');
        string[] a = actual.Split('\n');
        int line = 0;
        while (line < e.Length && line < a.Length && e[line] == a[line])
        {
            line++;
        }

        Assert.Fail($"{fileName} differs from its golden at line {line + 1}:\n  golden: {(line < e.Length ? e[line] : "<end>")}\n  actual: {(line < a.Length ? a[line] : "<end>")}\n"
            + "If the change is intended: UPDATE_GOLDEN=1 dotnet test tests/Tracer.Cli.Tests --filter \"FullyQualifiedName~Contract\", then review the diff.");
    }

    private static bool IsChildTrace(string name)
    {
        int dot = name.LastIndexOf('.');
        return dot > 0 && name[(dot + 1)..].All(char.IsAsciiDigit);
    }

    private static string FindFixtures([CallerFilePath] string thisFile = "")
    {
        for (string? dir = Path.GetDirectoryName(thisFile); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            string candidate = Path.Combine(dir, "tests", "fixtures");
            if (File.Exists(Path.Combine(dir, "Tracer.sln")) && Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "fixtures"); // built elsewhere: the copies next to the tests
    }
}
