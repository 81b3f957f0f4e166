using System.Net.Sockets;
using Microsoft.Diagnostics.NETCore.Client;
using Tracer.Engine.Collect.Ipc;

namespace Tracer.Engine.Collect;

/// <summary>
/// A runtime reached through a diagnostic socket at a path the user gives (--diagnostic-port): its default socket in
/// another /tmp (another container's, a different TMPDIR). A ",connect" suffix (dotnet-trace's spelling) is accepted.
/// </summary>
public sealed class DiagnosticPortEndpoint : IEventPipeEndpoint
{
    private readonly string _path;

    private DiagnosticPortEndpoint(string path, int processId, string commandLine)
    {
        _path = path;
        ProcessId = processId;
        CommandLine = commandLine;
    }

    /// <summary>The process id the runtime reports (its own PID namespace's).</summary>
    public int ProcessId { get; }
    public string CommandLine { get; }

    /// <summary>Whether the runtime's PID names the same process here (same PID namespace): /proc can then be read.</summary>
    public bool IsLocal => ProcFs.CommandLine(ProcessId) is string local && local.Trim() == CommandLine.Trim();

    /// <summary>Connects and asks the runtime who it is; a path nobody listens on is a <see cref="TracerUserException"/>.</summary>
    public static async Task<DiagnosticPortEndpoint> ConnectAsync(string path, TimeSpan timeout, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            throw new TracerUserException($"no diagnostic port at '{path}' (no such socket)");
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            (int pid, string commandLine) = await IpcRuntimeCommands.ProcessInfoAsync(c => OpenAsync(path, c), limit.Token).ConfigureAwait(false);
            return new DiagnosticPortEndpoint(path, pid, commandLine);
        }
        catch (SocketException ex)
        {
            throw new TracerUserException($"nobody listens on the diagnostic port '{path}' ({ex.SocketErrorCode})");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TracerUserException($"the runtime behind '{path}' did not answer within {timeout.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is IOException or IpcRefusedException or UnauthorizedAccessException)
        {
            throw new TracerUserException($"'{path}' is not a .NET diagnostic port that answers: {ex.Message}");
        }
    }

    public Task<EventPipeStream> StartSessionAsync(IReadOnlyList<EventPipeProvider> providers, bool requestRundown, int bufferMegabytes, CancellationToken ct) =>
        IpcRuntimeCommands.StartSessionAsync(c => OpenAsync(_path, c), providers, requestRundown, bufferMegabytes, ct);

    public Task ResumeRuntimeAsync(CancellationToken ct) => IpcRuntimeCommands.ResumeRuntimeAsync(c => OpenAsync(_path, c), ct);

    private static async Task<Stream> OpenAsync(string path, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
