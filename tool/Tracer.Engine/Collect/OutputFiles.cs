namespace Tracer.Engine.Collect;

/// <summary>Traces and snapshots can hold secrets (stacks, command lines): they are created owner-only (0600).</summary>
public static class OutputFiles
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static FileStream CreatePrivate(string path)
    {
        if (Directory.Exists(path))
        {
            throw new TracerUserException($"cannot write '{path}': it is a directory; give a file name (e.g. {Path.Combine(path, "trace.nettrace")})");
        }

        try
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.Read };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnly;
            }

            var stream = new FileStream(path, options);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, OwnerOnly); // an existing file keeps its mode otherwise
            }

            return stream;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new TracerUserException($"cannot write '{path}': {ex.Message}");
        }
    }

    /// <summary>The default trace name: NAME_PID_yyyyMMdd_HHmmss.nettrace in the current directory, with -2, -3, ...
    /// before the extension when such a file exists already (a default name never replaces a trace).</summary>
    public static string DefaultTraceName(string processName, int pid)
    {
        string stem = $"{Sanitize(processName)}_{pid}_{DateTime.Now:yyyyMMdd_HHmmss}";
        string name = stem + ".nettrace";
        for (int n = 2; File.Exists(name); n++)
        {
            name = $"{stem}-{n}.nettrace";
        }

        return name;
    }

    /// <summary>An output the user named is not replaced unless they said so (--force): one line, exit 2.</summary>
    public static void RefuseOverwrite(string path, bool force)
    {
        if (!force && File.Exists(path))
        {
            throw new TracerUserException($"'{path}' already exists; choose another --output or pass --force to replace it");
        }
    }

    private static string Sanitize(string name)
    {
        char[] chars = [.. name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')];
        return chars.Length == 0 ? "process" : new string(chars);
    }
}
