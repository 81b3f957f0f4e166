using System.Globalization;

namespace Tracer.Corpus;

/// <summary>The command line shared by every corpus program: how long it runs.</summary>
internal sealed record CorpusOptions(TimeSpan Duration)
{
    public static CorpusOptions Parse(IEnumerable<string> args)
    {
        string[] a = [.. args];
        int i = Array.IndexOf(a, "--seconds");
        double seconds = i >= 0 && i + 1 < a.Length ? double.Parse(a[i + 1], CultureInfo.InvariantCulture) : 24;
        return new CorpusOptions(TimeSpan.FromSeconds(seconds));
    }
}
