using Microsoft.Diagnostics.NETCore.Client;

namespace Tracer.Engine.Collect.Ipc;

/// <summary>A runtime that connected to our reversed port: each command takes one of its connections.</summary>
public sealed class ReversedRuntimeEndpoint(ReversedPortListener listener, RuntimeAdvertisement runtime) : IEventPipeEndpoint
{
    public int ProcessId => runtime.ProcessId;
    public Guid Cookie => runtime.Cookie;

    public Task<EventPipeStream> StartSessionAsync(IReadOnlyList<EventPipeProvider> providers, bool requestRundown, int bufferMegabytes, CancellationToken ct) =>
        IpcRuntimeCommands.StartSessionAsync(ConnectAsync, providers, requestRundown, bufferMegabytes, ct);

    public Task ResumeRuntimeAsync(CancellationToken ct) => IpcRuntimeCommands.ResumeRuntimeAsync(ConnectAsync, ct);

    private async Task<Stream> ConnectAsync(CancellationToken ct) => await listener.ConnectionAsync(runtime.Cookie, ct).ConfigureAwait(false);
}
