using System.Diagnostics;

namespace Tracer.Integration.Tests.Infrastructure;

/// <summary>
/// A real pseudo-terminal for end-to-end UI tests: a detached tmux session of a fixed size on a private server
/// socket, driven with send-keys and read with capture-pane. Killed (server and all) on dispose.
/// </summary>
internal sealed class TmuxTerminal : IDisposable
{
    private readonly string _socket = "tracer-e2e-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>The tmux executable, or null when it is not installed.</summary>
    public static string? Executable { get; } = FindOnPath("tmux");

    public TmuxTerminal(string shellCommand, int width = 80, int height = 24)
    {
        Run("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", width.ToString(), "-y", height.ToString(), shellCommand);
        Run("set-option", "-t", "t", "remain-on-exit", "on");
    }

    public void SendKeys(params string[] keys) => Run(["send-keys", "-t", "t", .. keys]);

    /// <summary>The visible screen.</summary>
    public string Capture() => Run("capture-pane", "-p", "-t", "t");

    /// <summary>The visible screen with the scrollback above it (what a shell user scrolls back to after the tool exits).</summary>
    public string CaptureWithHistory() => Run("capture-pane", "-p", "-S", "-", "-t", "t");

    /// <summary>Whether the program in the pane is using the alternate screen right now.</summary>
    public bool AlternateScreen => Run("display-message", "-p", "-t", "t", "#{alternate_on}").Trim() == "1";

    /// <summary>Polls the screen until <paramref name="text"/> is on it; fails with the last screen after the deadline.</summary>
    public string WaitFor(string text, TimeSpan timeout, bool history = false)
    {
        var clock = Stopwatch.StartNew();
        Func<string> capture = history ? CaptureWithHistory : Capture;
        string screen = capture();
        while (!screen.Contains(text, StringComparison.Ordinal))
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"'{text}' did not appear within {timeout.TotalSeconds:0} s; the screen was:\n{screen}");
            }

            Thread.Sleep(100); // polling a screen, not synchronising on time: the deadline bounds it
            screen = capture();
        }

        return screen;
    }

    public static string Quote(string argument) => "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public void Dispose()
    {
        try
        {
            Run("kill-server");
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    private string Run(params string[] arguments)
    {
        var info = new ProcessStartInfo(Executable ?? "tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-L");
        info.ArgumentList.Add(_socket);
        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using Process process = Process.Start(info) ?? throw new InvalidOperationException("cannot start tmux");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(10_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"tmux {string.Join(' ', arguments)} did not finish");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"tmux {string.Join(' ', arguments)} failed: {error.Result.Trim()}");
        }

        return output.Result;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}

/// <summary>A fact that needs tmux: skipped, saying why, where it is not installed (CI installs it).</summary>
public sealed class TmuxFactAttribute : FactAttribute
{
    public TmuxFactAttribute()
    {
        if (TmuxTerminal.Executable is null)
        {
            Skip = "tmux is not installed: the end-to-end terminal UI test needs it for a pseudo-terminal (CI installs tmux)";
        }
    }
}

/// <summary>A theory that needs tmux (see <see cref="TmuxFactAttribute"/>).</summary>
public sealed class TmuxTheoryAttribute : TheoryAttribute
{
    public TmuxTheoryAttribute()
    {
        if (TmuxTerminal.Executable is null)
        {
            Skip = "tmux is not installed: the end-to-end terminal UI test needs it for a pseudo-terminal (CI installs tmux)";
        }
    }
}
