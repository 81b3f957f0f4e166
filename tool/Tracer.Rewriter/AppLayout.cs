namespace Tracer.Rewriter;

/// <summary>
/// Where a program's managed entry assembly is, from the command the user gave: `app.dll`, `dotnet app.dll`, or an
/// apphost (`./app`, with app.dll next to it). Single-file bundles and NativeAOT executables have no assemblies on
/// disk to rewrite: refused with one line.
/// </summary>
public sealed record AppLayout(string EntryAssembly, IReadOnlyList<string> Arguments)
{
    public string Directory => Path.GetDirectoryName(EntryAssembly)!;

    public static AppLayout Find(string command, IReadOnlyList<string> arguments)
    {
        if (command.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            return new AppLayout(Existing(command), arguments);
        }

        if (Path.GetFileNameWithoutExtension(command) == "dotnet" && arguments.Count > 0 && arguments[0].EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            return new AppLayout(Existing(arguments[0]), arguments.Skip(1).ToList());
        }

        string? executable = Resolve(command)
            ?? throw new RaceSetupException($"cannot start '{command}': no such file");
        string real = new FileInfo(executable).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? executable;
        // An apphost is the app's name with no extension (".exe" on Windows); the name itself may contain dots.
        string stem = real.EndsWith(".exe", StringComparison.OrdinalIgnoreCase) ? real[..^4] : real;
        string dll = stem + ".dll";
        if (!File.Exists(dll) || !File.Exists(stem + ".runtimeconfig.json"))
        {
            throw new RaceSetupException($"--races cannot rewrite '{command}': no {Path.GetFileName(dll)} and runtimeconfig next to it " +
                "(single-file and NativeAOT apps have no assemblies on disk; publish without PublishSingleFile/PublishAot, or run the .dll)");
        }

        return new AppLayout(dll, arguments);
    }

    private static string Existing(string dll) => File.Exists(dll)
        ? Path.GetFullPath(dll)
        : throw new RaceSetupException($"cannot start '{dll}': no such file");

    private static string? Resolve(string command)
    {
        if (command.Contains('/') || command.Contains('\\'))
        {
            return File.Exists(command) ? Path.GetFullPath(command) : null;
        }

        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, command);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return File.Exists(command) ? Path.GetFullPath(command) : null;
    }
}

/// <summary>A program that --races cannot prepare: one line for the user (exit code 2).</summary>
public sealed class RaceSetupException(string message) : Exception(message);
