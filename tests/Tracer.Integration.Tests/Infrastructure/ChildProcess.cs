using System.Collections.Concurrent;
using System.Diagnostics;

namespace Tracer.Integration.Tests.Infrastructure;

/// <summary>
/// A process started by a test: output captured line by line (so tests can await a line instead of sleeping),
/// killed with its children when disposed or when it overruns its timeout.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Done)> _waiters = [];
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;
    public string Stdout => string.Join('\n', _stdout);
    public string Stderr => string.Join('\n', _stderr);
    public StreamWriter Stdin => _process.StandardInput;
    public bool HasExited => _process.HasExited;

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        foreach ((string k, string v) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }

        var process = new Process { StartInfo = info };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data, child._stdout, child._stdoutClosed);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data, child._stderr, child._stderrClosed);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs the tool with arguments and waits for it to exit (killed after <paramref name="timeout"/>).</summary>
    public static async Task<ToolResult> RunToolAsync(TimeSpan timeout, params string[] arguments)
    {
        using ChildProcess tool = StartTool(arguments);
        int exitCode = await tool.WaitForExitAsync(timeout);
        return new ToolResult(exitCode, tool.Stdout, tool.Stderr);
    }

    public static ChildProcess StartTool(params string[] arguments) =>
        Start(ToolPaths.Dotnet, [ToolPaths.TracerDll, .. arguments]);

    public static ChildProcess StartDemo(string name, params string[] arguments) =>
        Start(ToolPaths.Dotnet, [ToolPaths.DemosDll, name, .. arguments]);

    /// <summary>Completes with the first output line (stdout or stderr) matching, past or future.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            string? seen = _stdout.Concat(_stderr).FirstOrDefault(match);
            if (seen is not null)
            {
                return seen;
            }

            _waiters.Add((match, done));
        }

        Task exited = _process.WaitForExitAsync();
        Task first = await Task.WhenAny(done.Task, Task.Delay(timeout), exited);
        if (first == done.Task)
        {
            return await done.Task;
        }

        await Task.WhenAny(_stdoutClosed.Task, _stderrClosed.Task, Task.Delay(500));
        string? late = _stdout.Concat(_stderr).FirstOrDefault(match);
        return late ?? throw new TimeoutException(
            $"no matching line within {timeout.TotalSeconds:0} s (exited: {_process.HasExited}).\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
    }

    public Task<string> WaitForLineAsync(string contains, TimeSpan timeout) => WaitForLineAsync(l => l.Contains(contains, StringComparison.Ordinal), timeout);

    /// <summary>Waits for exit and for all output; kills the tree and fails when it takes longer than <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(TimeSpan.FromSeconds(5));
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"process did not exit within {timeout.TotalSeconds:0} s.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
    }

    public void Signal(int signal) => _ = Kill(_process.Id, signal);

    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already exited
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void OnLine(string? line, ConcurrentQueue<string> sink, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }

        lock (_waiters)
        {
            sink.Enqueue(line);
            foreach ((Func<string, bool> match, TaskCompletionSource<string> done) in _waiters.ToArray())
            {
                if (match(line))
                {
                    done.TrySetResult(line);
                    _waiters.Remove((match, done));
                }
            }
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

internal sealed record ToolResult(int ExitCode, string Stdout, string Stderr);
