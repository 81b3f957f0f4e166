using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tracer.Demos.IoThreads;

/// <summary>
/// A tiny HTTP server on 127.0.0.1 (a free port, loopback only) whose answer to GET /delay/MS comes after MS
/// milliseconds: a stand-in for a slow web service, so the demo needs no network.
/// </summary>
internal sealed class SlowHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();

    public SlowHttpServer()
    {
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    public Uri BaseAddress => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = AnswerAsync(client); // each request on its own: the server itself is concurrent
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                NetworkStream stream = client.GetStream();
                string requestLine = await ReadHeadAsync(stream);
                int delayMs = ParseDelay(requestLine);
                await Task.Delay(delayMs, _stop.Token); // the simulated latency
                byte[] body = Encoding.ASCII.GetBytes($"answered after {delayMs} ms\n");
                byte[] head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(head, _stop.Token);
                await stream.WriteAsync(body, _stop.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // the demo is shutting down
            }
        }
    }

    /// <summary>Reads the request head (up to the blank line) and returns its first line.</summary>
    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var buffer = new byte[1024];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && head.Length < 16_384)
        {
            int read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }

            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        string text = head.ToString();
        int end = text.IndexOf('\r', StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }

    private static int ParseDelay(string requestLine)
    {
        // "GET /delay/1500 HTTP/1.1"
        string[] parts = requestLine.Split(' ');
        string path = parts.Length > 1 ? parts[1] : "";
        return path.StartsWith("/delay/", StringComparison.Ordinal) && int.TryParse(path["/delay/".Length..], out int ms)
            ? Math.Clamp(ms, 0, 10_000)
            : 0;
    }
}
