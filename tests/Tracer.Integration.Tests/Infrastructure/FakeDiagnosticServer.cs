using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Tracer.Integration.Tests.Infrastructure;

/// <summary>
/// A diagnostic port that answers every command with an IPC error, as a runtime too old for the command would: a
/// Unix socket named like the runtime's (DIR/dotnet-diagnostic-PID-KEY-socket) for some harmless process PID. Each
/// connection gets one error response (header "DOTNET_IPC_V1\0", size, command set 0xFF, id 0xFF, then the HRESULT).
/// </summary>
internal sealed class FakeDiagnosticServer : IDisposable
{
    /// <summary>DS_IPC_E_UNKNOWN_COMMAND: what a runtime answers to a command it does not know.</summary>
    public const uint UnknownCommand = 0x80131385;

    /// <summary>DS_IPC_E_BAD_ENCODING: a known command with a payload (options) the runtime cannot read.</summary>
    public const uint BadEncoding = 0x80131384;

    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private int _commands;

    public FakeDiagnosticServer(string directory, int pid, uint hresult)
    {
        // The runtime names its socket with its start time (the "disambiguation key"); the tool checks it to skip stale sockets.
        long startTicks = Tracer.Engine.Collect.ProcFs.StartTicks(pid) ?? throw new InvalidOperationException($"no process {pid}");
        SocketPath = Path.Combine(directory, $"dotnet-diagnostic-{pid}-{startTicks}-socket");
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(8);
        _serving = Task.Run(() => ServeAsync(hresult));
    }

    public string SocketPath { get; }

    /// <summary>How many commands were received (and refused).</summary>
    public int Commands => Volatile.Read(ref _commands);

    private async Task ServeAsync(uint hresult)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            using (client)
            await using (var stream = new NetworkStream(client))
            {
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                    timeout.CancelAfter(TimeSpan.FromSeconds(10));
                    byte[] header = new byte[20];
                    await stream.ReadExactlyAsync(header, timeout.Token);
                    int size = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(14));
                    await stream.ReadExactlyAsync(new byte[Math.Max(0, size - 20)], timeout.Token);
                    Interlocked.Increment(ref _commands);
                    await stream.WriteAsync(ErrorResponse(hresult), timeout.Token);
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
                {
                    // the client went away: next connection
                }
            }
        }
    }

    private static byte[] ErrorResponse(uint hresult)
    {
        byte[] message = new byte[24];
        Encoding.ASCII.GetBytes("DOTNET_IPC_V1\0").CopyTo(message, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(14), 24);
        message[16] = 0xFF; // server command set
        message[17] = 0xFF; // error
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(20), hresult);
        return message;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        _serving.Wait(TimeSpan.FromSeconds(5));
        File.Delete(SocketPath);
        _stop.Dispose();
    }
}
