namespace Tracer.Integration.Tests.Infrastructure;

/// <summary>Where the built tool and demos are: copied next to the tests by the project references.</summary>
internal static class ToolPaths
{
    public static string TracerDll => Path.Combine(AppContext.BaseDirectory, "dotnet-tracer.dll");

    public static string DemosDll => Path.Combine(AppContext.BaseDirectory, "Tracer.Demos.dll");

    public static string HangTargetsDll => OwnOutput("Tracer.HangTargets");

    /// <summary>The precision corpus: programs shaped like real services, healthy and sick (tests/Tracer.Corpus).</summary>
    public static string CorpusDll => OwnOutput("Tracer.Corpus");

    /// <summary>
    /// A test program in its own build output (tests/NAME/bin/CONFIG/net10.0/NAME.dll), same configuration as the tests.
    /// Not copied next to the tests: those that use ASP.NET Core's shared framework would make the build drop package
    /// assemblies the tool needs from this directory (the tool runs from here on Microsoft.NETCore.App alone).
    /// </summary>
    public static string OwnOutput(string project)
    {
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        return Path.Combine(RepositoryRoot, "tests", project, "bin", configuration, "net10.0", project + ".dll");
    }

    /// <summary>The clone the tests run from: the first directory above them with Tracer.sln.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tracer.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Tracer.sln above {AppContext.BaseDirectory}");
    }

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
