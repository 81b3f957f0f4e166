using System.Buffers.Binary;
using System.Net.Sockets;
using Microsoft.Diagnostics.NETCore.Client;

namespace Tracer.Engine.Collect.Ipc;

/// <summary>A runtime that connected to our reversed port: each command takes one of its connections.</summary>
public sealed class ReversedRuntimeEndpoint(ReversedPortListener listener, RuntimeAdvertisement runtime) : IEventPipeEndpoint
{
    private const uint NetTraceFormat = 1;

    public int ProcessId => runtime.ProcessId;
    public Guid Cookie => runtime.Cookie;

    public async Task<EventPipeStream> StartSessionAsync(IReadOnlyList<EventPipeProvider> providers, bool requestRundown, int bufferMegabytes, CancellationToken ct)
    {
        var payload = new IpcPayloadWriter().U32((uint)bufferMegabytes).U32(NetTraceFormat).Bool(requestRundown).U32((uint)providers.Count);
        foreach (EventPipeProvider p in providers)
        {
            string? arguments = p.Arguments is null ? null : string.Join(";", p.Arguments.Select(kv => $"{kv.Key}={kv.Value}"));
            payload.U64((ulong)p.Keywords).U32((uint)p.EventLevel).String(p.Name).String(arguments);
        }

        NetworkStream stream = await listener.ConnectionAsync(runtime.Cookie, ct).ConfigureAwait(false);
        try
        {
            await stream.WriteAsync(IpcMessage.Build(IpcMessage.EventPipeCommandSet, IpcMessage.CollectTracing2, payload.ToArray()), ct).ConfigureAwait(false);
            byte[] response = await IpcMessage.ReadResponseAsync(stream, ct).ConfigureAwait(false);
            ulong sessionId = response.Length >= 8 ? BinaryPrimitives.ReadUInt64LittleEndian(response) : 0;
            return new EventPipeStream(stream, stopCt => StopAsync(sessionId, stopCt));
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task ResumeRuntimeAsync(CancellationToken ct)
    {
        await using NetworkStream stream = await listener.ConnectionAsync(runtime.Cookie, ct).ConfigureAwait(false);
        await stream.WriteAsync(IpcMessage.Build(IpcMessage.ProcessCommandSet, IpcMessage.ResumeRuntime, []), ct).ConfigureAwait(false);
        await IpcMessage.ReadResponseAsync(stream, ct).ConfigureAwait(false);
    }

    private async Task StopAsync(ulong sessionId, CancellationToken ct)
    {
        await using NetworkStream stream = await listener.ConnectionAsync(runtime.Cookie, ct).ConfigureAwait(false);
        byte[] payload = new IpcPayloadWriter().U64(sessionId).ToArray();
        await stream.WriteAsync(IpcMessage.Build(IpcMessage.EventPipeCommandSet, IpcMessage.StopTracing, payload), ct).ConfigureAwait(false);
        await IpcMessage.ReadResponseAsync(stream, ct).ConfigureAwait(false);
    }
}
