using System.Buffers.Binary;
using System.Text;

namespace Tracer.Engine.Collect.Ipc;

/// <summary>
/// The diagnostics IPC wire format (dotnet/diagnostics documentation/design-docs/ipc-protocol.md): a 20-byte header
/// (magic "DOTNET_IPC_V1\0", total size u16, command set u8, command id u8, reserved u16) and a payload.
/// </summary>
internal static class IpcMessage
{
    public const int HeaderSize = 20;
    public const byte ServerCommandSet = 0xFF;
    public const byte ServerOk = 0x00;
    public const byte ServerError = 0xFF;
    public const byte EventPipeCommandSet = 0x02;
    public const byte StopTracing = 0x01;
    public const byte CollectTracing2 = 0x03;
    public const byte ProcessCommandSet = 0x04;
    public const byte ResumeRuntime = 0x01;

    private static readonly byte[] s_magic = Encoding.ASCII.GetBytes("DOTNET_IPC_V1\0");

    public static byte[] Build(byte commandSet, byte commandId, ReadOnlySpan<byte> payload)
    {
        int size = HeaderSize + payload.Length;
        if (size > ushort.MaxValue)
        {
            throw new ArgumentException("IPC message too large", nameof(payload));
        }

        byte[] message = new byte[size];
        s_magic.CopyTo(message, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(14), (ushort)size);
        message[16] = commandSet;
        message[17] = commandId;
        payload.CopyTo(message.AsSpan(HeaderSize));
        return message;
    }

    /// <summary>Reads a response header and its payload; throws when the runtime answered with an error.</summary>
    public static async Task<byte[]> ReadResponseAsync(Stream stream, CancellationToken ct)
    {
        byte[] header = new byte[HeaderSize];
        await stream.ReadExactlyAsync(header, ct).ConfigureAwait(false);
        if (!header.AsSpan(0, 14).SequenceEqual(s_magic))
        {
            throw new IOException("the runtime sent an unexpected IPC header");
        }

        int size = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(14));
        if (size < HeaderSize)
        {
            throw new IOException("the runtime sent a malformed IPC header");
        }

        byte[] payload = new byte[size - HeaderSize];
        await stream.ReadExactlyAsync(payload, ct).ConfigureAwait(false);
        if (header[16] == ServerCommandSet && header[17] == ServerError)
        {
            uint hresult = payload.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(payload) : 0;
            throw new IpcRefusedException(hresult);
        }

        return payload;
    }
}

/// <summary>Writes IPC payload fields: little-endian integers, and strings as u32 length (chars incl. NUL) + UTF-16.</summary>
internal sealed class IpcPayloadWriter
{
    private readonly MemoryStream _buffer = new();

    public IpcPayloadWriter U32(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        _buffer.Write(bytes);
        return this;
    }

    public IpcPayloadWriter U64(ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        _buffer.Write(bytes);
        return this;
    }

    public IpcPayloadWriter Bool(bool value)
    {
        _buffer.WriteByte(value ? (byte)1 : (byte)0);
        return this;
    }

    public IpcPayloadWriter String(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return U32(0);
        }

        U32((uint)value.Length + 1);
        _buffer.Write(Encoding.Unicode.GetBytes(value + "\0"));
        return this;
    }

    public byte[] ToArray() => _buffer.ToArray();
}
