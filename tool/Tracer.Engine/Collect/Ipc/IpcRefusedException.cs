namespace Tracer.Engine.Collect.Ipc;

/// <summary>The runtime answered a diagnostics IPC command with an error (e.g. unknown command: a runtime too old for it).</summary>
public sealed class IpcRefusedException(uint hresult) : IOException(Describe(hresult))
{
    public const uint UnknownCommand = 0x80131385;
    public const uint BadEncoding = 0x80131384;

    public uint HResultCode { get; } = hresult;

    private static string Describe(uint hresult) => hresult switch
    {
        UnknownCommand => "unknown command",
        BadEncoding => "request rejected as badly encoded: an option it does not know",
        _ => $"HRESULT 0x{hresult:x8}",
    };
}
