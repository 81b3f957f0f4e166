using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace Tracer.Engine.Collect.Ipc;

/// <summary>
/// The tracer's end of a reversed diagnostic port: a Unix socket that every runtime started with
/// DOTNET_DiagnosticPorts=PATH connects to (children inherit the variable, so a whole process tree comes here).
/// Each connection starts with an advertise message and carries one command; the runtime reconnects for the next.
/// The socket lives in a fresh 0700 directory that is removed on dispose.
/// </summary>
public sealed class ReversedPortListener : IAsyncDisposable
{
    private static readonly byte[] s_advertiseMagic = Encoding.ASCII.GetBytes("ADVR_V1\0");
    private const int AdvertiseSize = 34;

    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<RuntimeAdvertisement> _newRuntimes = Channel.CreateUnbounded<RuntimeAdvertisement>();
    private readonly Dictionary<Guid, Channel<Socket>> _connections = new();
    private readonly HashSet<Guid> _refused = [];
    private readonly Task _acceptLoop;

    private ReversedPortListener(string directory, string path, Socket socket)
    {
        Directory = directory;
        PortPath = path;
        _socket = socket;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public string Directory { get; }
    public string PortPath { get; }

    public static ReversedPortListener Start()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("reversed diagnostic ports are implemented for Unix domain sockets only");
        }

        string directory = Path.Combine(Path.GetTempPath(), $"dotnet-tracer-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string path = Path.Combine(directory, "port.sock");
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            socket.Listen(64);
        }
        catch
        {
            socket.Dispose();
            TryDelete(directory);
            throw;
        }

        return new ReversedPortListener(directory, path, socket);
    }

    /// <summary>The next runtime (new cookie) that connected.</summary>
    public ValueTask<RuntimeAdvertisement> NextRuntimeAsync(CancellationToken ct) => _newRuntimes.Reader.ReadAsync(ct);

    /// <summary>A fresh connection from that runtime, ready for one command.</summary>
    public async Task<NetworkStream> ConnectionAsync(Guid cookie, CancellationToken ct)
    {
        Channel<Socket> channel;
        lock (_connections)
        {
            channel = Queue(cookie);
        }

        Socket socket = await channel.Reader.ReadAsync(ct).ConfigureAwait(false);
        return new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>Closes this runtime's connections now and later (a process that is not ours).</summary>
    public void Refuse(Guid cookie)
    {
        lock (_connections)
        {
            _refused.Add(cookie);
            while (Queue(cookie).Reader.TryRead(out Socket? s))
            {
                s.Dispose();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopping
        }

        lock (_connections)
        {
            foreach (Channel<Socket> channel in _connections.Values)
            {
                while (channel.Reader.TryRead(out Socket? s))
                {
                    s.Dispose();
                }
            }
        }

        TryDelete(Directory);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ReadAdvertiseAsync(client));
        }
    }

    private async Task ReadAdvertiseAsync(Socket client)
    {
        byte[] buffer = new byte[AdvertiseSize];
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            int read = 0;
            while (read < AdvertiseSize)
            {
                int n = await client.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, timeout.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new IOException("closed during advertise");
                }

                read += n;
            }

            if (!buffer.AsSpan(0, 8).SequenceEqual(s_advertiseMagic))
            {
                throw new IOException("not a .NET runtime advertise message");
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            client.Dispose();
            return;
        }

        var cookie = new Guid(buffer.AsSpan(8, 16));
        int pid = (int)BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(24, 8));
        bool isNew;
        lock (_connections)
        {
            if (_refused.Contains(cookie))
            {
                client.Dispose();
                return;
            }

            isNew = !_connections.ContainsKey(cookie);
            Queue(cookie).Writer.TryWrite(client);
        }

        if (isNew)
        {
            _newRuntimes.Writer.TryWrite(new RuntimeAdvertisement(cookie, pid));
        }
    }

    private Channel<Socket> Queue(Guid cookie)
    {
        if (!_connections.TryGetValue(cookie, out Channel<Socket>? channel))
        {
            channel = Channel.CreateUnbounded<Socket>();
            _connections[cookie] = channel;
        }

        return channel;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // best effort: it only holds a socket
        }
    }
}
