using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Diagnostics.NETCore.Client;

namespace Tracer.Engine.Collect;

/// <summary>
/// A program started by the tracer, suspended at its first instruction on a private reversed diagnostic port
/// (DOTNET_DiagnosticPorts), so a session can be started before any of its code runs. The port lives in a fresh
/// 0700 directory that is removed on dispose. The process is killed on dispose if it is still running.
/// </summary>
public sealed class LaunchedProcess : IAsyncDisposable
{
    private readonly string _portDirectory;
    private readonly DiagnosticsClientConnector _connector;

    private LaunchedProcess(Process process, DiagnosticsClientConnector connector, string portDirectory)
    {
        Process = process;
        _connector = connector;
        _portDirectory = portDirectory;
    }

    public Process Process { get; }
    public int ProcessId => Process.Id;
    public DiagnosticsClient Client => _connector.Instance;
    /// <summary>Set when the tracer ended the process itself (tracing stopped while it still ran).</summary>
    public bool KilledByTracer { get; private set; }

    /// <summary>Starts <paramref name="command"/> and waits until its runtime connects. A .dll is run with `dotnet`.</summary>
    /// <param name="output">Receives the program's stdout and stderr lines, so the tool's stdout stays the report; null inherits them.</param>
    public static async Task<LaunchedProcess> StartAsync(string command, IReadOnlyList<string> arguments, TimeSpan connectTimeout,
        IReadOnlyDictionary<string, string>? environment, TextWriter? output, CancellationToken ct)
    {
        string directory = Path.Combine(Path.GetTempPath(), $"dotnet-tracer-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        string port = Path.Combine(directory, "port.sock");
        using var connectCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task<DiagnosticsClientConnector> connecting = DiagnosticsClientConnector.FromDiagnosticPort(port, connectCts.Token);

        ProcessStartInfo info = StartInfo(command, arguments);
        info.RedirectStandardOutput = output is not null;
        info.RedirectStandardError = output is not null;
        info.Environment["DOTNET_DiagnosticPorts"] = port; // listen mode is the runtime's default: it suspends until resumed
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new TracerUserException($"cannot start '{command}'");
            if (output is not null)
            {
                process.OutputDataReceived += (_, e) => Forward(output, e.Data);
                process.ErrorDataReceived += (_, e) => Forward(output, e.Data);
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
            }
        }
        catch (Win32Exception ex)
        {
            connectCts.Cancel();
            await IgnoreAsync(connecting).ConfigureAwait(false);
            TryDelete(directory);
            throw new TracerUserException($"cannot start '{command}': {ex.Message}");
        }

        Task exited = process.WaitForExitAsync(CancellationToken.None);
        Task first = await Task.WhenAny(connecting, exited, Task.Delay(connectTimeout, ct)).ConfigureAwait(false);
        if (first == connecting && connecting.IsCompletedSuccessfully && connecting.Result is { } connector)
        {
            return new LaunchedProcess(process, connector, directory);
        }

        connectCts.Cancel();
        await IgnoreAsync(connecting).ConfigureAwait(false);
        string reason = first == exited
            ? $"'{command}' exited with code {process.ExitCode} before its .NET runtime connected; is it a .NET program?"
            : ct.IsCancellationRequested ? "interrupted before the program started"
            : $"'{command}' did not connect to the tracer within {connectTimeout.TotalSeconds:0} s; is it a .NET program?";
        KillTree(process);
        process.Dispose();
        TryDelete(directory);
        throw new TracerUserException(reason);
    }

    /// <summary>Ends the process (and its children) if it still runs; returns its exit code when it has one.</summary>
    public async Task<int?> StopAsync()
    {
        if (!Process.HasExited)
        {
            KilledByTracer = true;
            KillTree(Process);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await Process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            return Process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            KilledByTracer = true;
            KillTree(Process);
        }

        await _connector.DisposeAsync().ConfigureAwait(false);
        Process.Dispose();
        TryDelete(_portDirectory);
    }

    private static void Forward(TextWriter output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.WriteLine(line);
            }
        }
    }

    private static ProcessStartInfo StartInfo(string command, IReadOnlyList<string> arguments)
    {
        bool isDll = command.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        if (isDll && !File.Exists(command))
        {
            throw new TracerUserException($"cannot start '{command}': no such file");
        }

        var info = new ProcessStartInfo(isDll ? DotnetHost() : command) { UseShellExecute = false };
        if (isDll)
        {
            info.ArgumentList.Add(command);
        }

        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <summary>The dotnet host running this tool (so a .dll target uses the same runtime install).</summary>
    public static string DotnetHost()
    {
        string? host = Environment.ProcessPath;
        if (host is not null && Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            return host;
        }

        string? root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        string candidate = root is null ? string.Empty : Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(candidate) ? candidate : "dotnet";
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // already gone
        }
    }

    private static async Task IgnoreAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or TimeoutException)
        {
            // the port is being torn down
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // best effort: it only holds a socket
        }
    }
}
