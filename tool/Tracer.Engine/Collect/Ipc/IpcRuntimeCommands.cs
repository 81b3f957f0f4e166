using System.Buffers.Binary;
using System.Text;
using Microsoft.Diagnostics.NETCore.Client;

namespace Tracer.Engine.Collect.Ipc;

/// <summary>
/// The diagnostics IPC commands the tracer sends, over whatever connection reaches the runtime: a reversed port's
/// connection (<see cref="ReversedRuntimeEndpoint"/>) or a socket path (<see cref="DiagnosticPortEndpoint"/>). Every
/// command takes a connection of its own, as the protocol wants.
/// </summary>
internal static class IpcRuntimeCommands
{
    private const uint NetTraceFormat = 1;
    private const byte ProcessInfo = 0x00;

    public static async Task<EventPipeStream> StartSessionAsync(Func<CancellationToken, Task<Stream>> connect,
        IReadOnlyList<EventPipeProvider> providers, bool requestRundown, int bufferMegabytes, CancellationToken ct)
    {
        var payload = new IpcPayloadWriter().U32((uint)bufferMegabytes).U32(NetTraceFormat).Bool(requestRundown).U32((uint)providers.Count);
        foreach (EventPipeProvider p in providers)
        {
            string? arguments = p.Arguments is null ? null : string.Join(";", p.Arguments.Select(kv => $"{kv.Key}={kv.Value}"));
            payload.U64((ulong)p.Keywords).U32((uint)p.EventLevel).String(p.Name).String(arguments);
        }

        Stream stream = await connect(ct).ConfigureAwait(false);
        try
        {
            await stream.WriteAsync(IpcMessage.Build(IpcMessage.EventPipeCommandSet, IpcMessage.CollectTracing2, payload.ToArray()), ct).ConfigureAwait(false);
            byte[] response = await IpcMessage.ReadResponseAsync(stream, ct).ConfigureAwait(false);
            ulong sessionId = response.Length >= 8 ? BinaryPrimitives.ReadUInt64LittleEndian(response) : 0;
            return new EventPipeStream(stream, stopCt => StopAsync(connect, sessionId, stopCt));
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public static async Task ResumeRuntimeAsync(Func<CancellationToken, Task<Stream>> connect, CancellationToken ct)
    {
        await using Stream stream = await connect(ct).ConfigureAwait(false);
        await stream.WriteAsync(IpcMessage.Build(IpcMessage.ProcessCommandSet, IpcMessage.ResumeRuntime, []), ct).ConfigureAwait(false);
        await IpcMessage.ReadResponseAsync(stream, ct).ConfigureAwait(false);
    }

    /// <summary>ProcessInfo: the runtime's own process id and command line.</summary>
    public static async Task<(int ProcessId, string CommandLine)> ProcessInfoAsync(Func<CancellationToken, Task<Stream>> connect, CancellationToken ct)
    {
        await using Stream stream = await connect(ct).ConfigureAwait(false);
        await stream.WriteAsync(IpcMessage.Build(IpcMessage.ProcessCommandSet, ProcessInfo, []), ct).ConfigureAwait(false);
        byte[] response = await IpcMessage.ReadResponseAsync(stream, ct).ConfigureAwait(false);
        if (response.Length < 28)
        {
            throw new IOException("the runtime sent a short ProcessInfo answer");
        }

        int pid = (int)BinaryPrimitives.ReadUInt64LittleEndian(response);
        int chars = (int)BinaryPrimitives.ReadUInt32LittleEndian(response.AsSpan(24));
        int bytes = Math.Clamp(chars * 2, 0, response.Length - 28);
        return (pid, Encoding.Unicode.GetString(response, 28, bytes).TrimEnd('\0'));
    }

    private static async Task StopAsync(Func<CancellationToken, Task<Stream>> connect, ulong sessionId, CancellationToken ct)
    {
        await using Stream stream = await connect(ct).ConfigureAwait(false);
        byte[] payload = new IpcPayloadWriter().U64(sessionId).ToArray();
        await stream.WriteAsync(IpcMessage.Build(IpcMessage.EventPipeCommandSet, IpcMessage.StopTracing, payload), ct).ConfigureAwait(false);
        await IpcMessage.ReadResponseAsync(stream, ct).ConfigureAwait(false);
    }
}
