using System.ComponentModel;
using System.Diagnostics;
using Tracer.Engine.Collect.Ipc;

namespace Tracer.Engine.Collect;

/// <summary>
/// A program started by the tracer, suspended at its first instruction: it gets DOTNET_DiagnosticPorts pointing at
/// our <see cref="ReversedPortListener"/> (a private 0700 directory), so a session can start before any of its code
/// runs. Its .NET children inherit the variable and connect to the same listener. Killed (with its children) on
/// dispose if still running.
/// </summary>
public sealed class LaunchedProcess : IAsyncDisposable
{
    private LaunchedProcess(Process process, ReversedPortListener listener, ReversedRuntimeEndpoint root)
    {
        Process = process;
        Listener = listener;
        Root = root;
    }

    public Process Process { get; }
    public int ProcessId => Process.Id;
    public ReversedPortListener Listener { get; }
    /// <summary>The launched program's runtime (the first one to connect from the launched process or below it).</summary>
    public ReversedRuntimeEndpoint Root { get; }
    /// <summary>Set when the tracer ended the process itself (tracing stopped while it still ran).</summary>
    public bool KilledByTracer { get; private set; }

    /// <summary>Starts <paramref name="command"/> and waits until its runtime connects. A .dll is run with `dotnet`.</summary>
    /// <param name="output">Receives the program's stdout and stderr lines, so the tool's stdout stays the report; null inherits them.</param>
    public static async Task<LaunchedProcess> StartAsync(string command, IReadOnlyList<string> arguments, TimeSpan connectTimeout,
        IReadOnlyDictionary<string, string>? environment, TextWriter? output, CancellationToken ct)
    {
        ProcessStartInfo info = StartInfo(command, arguments);
        ReversedPortListener listener = ReversedPortListener.Start();
        info.Environment["DOTNET_DiagnosticPorts"] = listener.PortPath; // connect + suspend are the runtime's defaults
        info.RedirectStandardOutput = output is not null;
        info.RedirectStandardError = output is not null;
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new TracerUserException($"cannot start '{command}'");
        }
        catch (Win32Exception ex)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
            throw new TracerUserException($"cannot start '{command}': {ex.Message}");
        }

        if (output is not null)
        {
            process.OutputDataReceived += (_, e) => Forward(output, e.Data);
            process.ErrorDataReceived += (_, e) => Forward(output, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        using var connectCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        connectCts.CancelAfter(connectTimeout);
        Task exited = process.WaitForExitAsync(CancellationToken.None);
        try
        {
            while (true)
            {
                Task<RuntimeAdvertisement> next = listener.NextRuntimeAsync(connectCts.Token).AsTask();
                if (await Task.WhenAny(next, exited).ConfigureAwait(false) == exited)
                {
                    throw new TracerUserException($"'{command}' exited with code {process.ExitCode} before its .NET runtime connected; is it a .NET program?");
                }

                RuntimeAdvertisement runtime = await next.ConfigureAwait(false);
                if (ProcessTree.IsSelfOrDescendant(runtime.ProcessId, process.Id))
                {
                    return new LaunchedProcess(process, listener, new ReversedRuntimeEndpoint(listener, runtime));
                }

                listener.Refuse(runtime.Cookie);
            }
        }
        catch (Exception ex) when (ex is TracerUserException or OperationCanceledException)
        {
            KillTree(process);
            process.Dispose();
            await listener.DisposeAsync().ConfigureAwait(false);
            if (ex is TracerUserException)
            {
                throw;
            }

            throw new TracerUserException(ct.IsCancellationRequested
                ? "interrupted before the program started"
                : $"'{command}' did not connect to the tracer within {connectTimeout.TotalSeconds:0} s; is it a .NET program?");
        }
    }

    /// <summary>Ends the process (and its children) if it still runs; returns its exit code when it has one.</summary>
    /// <param name="exiting">The target ended its session itself (<see cref="StopReason.TargetExited"/>): it closes the
    /// session a moment before its process is gone, so it gets <see cref="ExitGrace"/> to exit by itself before it is
    /// killed (killing it then lost its exit code, a race a loaded machine lost now and then).</param>
    public async Task<int?> StopAsync(bool exiting = false)
    {
        if (exiting && !Process.HasExited)
        {
            using var grace = new CancellationTokenSource(ExitGrace);
            try
            {
                await Process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // still running: a child kept the session's end open, or it hangs in its shutdown; killed below
            }
        }

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

    /// <summary>How long a target that ended its session may take to exit by itself.</summary>
    public static TimeSpan ExitGrace { get; } = TimeSpan.FromSeconds(5);

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            KilledByTracer = true;
            KillTree(Process);
        }

        await Listener.DisposeAsync().ConfigureAwait(false);
        Process.Dispose();
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
}
