namespace Tracer.Integration.Tests.Infrastructure;

/// <summary>Where the built tool and demos are: copied next to the tests by the project references.</summary>
internal static class ToolPaths
{
    public static string TracerDll => Path.Combine(AppContext.BaseDirectory, "dotnet-tracer.dll");

    public static string DemosDll => Path.Combine(AppContext.BaseDirectory, "Tracer.Demos.dll");

    public static string HangTargetsDll => Path.Combine(AppContext.BaseDirectory, "Tracer.HangTargets.dll");

    /// <summary>The precision corpus: programs shaped like real services, healthy and sick (tests/Tracer.Corpus).</summary>
    public static string CorpusDll => Path.Combine(AppContext.BaseDirectory, "Tracer.Corpus.dll");

    public static string Dotnet => Tracer.Engine.Collect.LaunchedProcess.DotnetHost();

    /// <summary>A fresh directory for one test's traces, removed by the caller's dispose.</summary>
    public static TempDirectory NewTempDirectory() => new();
}

internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tracer-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // a child may still hold a file for a moment; the OS temp cleaner gets it
        }
    }
}
