using System.Runtime.InteropServices;

namespace Tracer.Engine.Decoding;

/// <summary>The events that name stack frames and give them source lines: method loads (live and rundown), precompiled
/// entry points, the JIT's IL-to-native maps and module loads, all kept in the model's one method table.</summary>
public sealed partial class EventPipeDecoder
{
    private void AddMethod(in RawEvent data)
    {
        // MethodLoadVerbose / MethodDCEndVerbose: MethodID, ModuleID, MethodStartAddress, MethodSize, MethodToken,
        // MethodFlags, then namespace (the type), name and signature as UTF-16 strings.
        var reader = new PayloadReader(data.Payload);
        ulong methodId = reader.U64();
        ulong moduleId = reader.U64();
        ulong start = reader.U64();
        uint size = reader.U32();
        uint token = reader.U32();
        reader.U32();
        string type = reader.Utf16z();
        string name = reader.Utf16z();
        _model.Methods.Add(start, size, type, name, methodId, moduleId, token);
    }

    private void AddILMap(in RawEvent data)
    {
        // MethodILToNativeMap / MethodDCEndILToNativeMap: MethodID, ReJITID, MethodExtent (u8), CountOfMapEntries
        // (u16), then ILOffsets[count] and NativeOffsets[count] (u32 each), ClrInstanceID.
        var reader = new PayloadReader(data.Payload);
        ulong methodId = reader.U64();
        ulong rejitId = reader.U64();
        reader.U8();
        int count = reader.U16();
        ReadOnlySpan<byte> payload = data.Payload;
        int arrays = reader.Offset;
        if (count == 0 || payload.Length < arrays + (count * 8))
        {
            return; // cut short: no map rather than a wrong one
        }

        ReadOnlySpan<uint> il = MemoryMarshal.Cast<byte, uint>(payload.Slice(arrays, count * 4));
        ReadOnlySpan<uint> native = MemoryMarshal.Cast<byte, uint>(payload.Slice(arrays + (count * 4), count * 4));
        _model.Methods.AddILMap(methodId, rejitId, il, native);
    }

    private void AddModule(in RawEvent data)
    {
        // ModuleLoad / ModuleDCEnd: ModuleID, AssemblyID, ModuleFlags, Reserved1, ModuleILPath, ModuleNativePath,
        // ClrInstanceID, then (V2) ManagedPdbSignature (GUID), ManagedPdbAge, ManagedPdbBuildPath, ...
        var reader = new PayloadReader(data.Payload);
        ulong moduleId = reader.U64();
        reader.U64();
        reader.U32();
        reader.U32();
        string ilPath = reader.Utf16z();
        reader.Utf16z();
        reader.U16();
        Guid signature = Guid.Empty;
        if (reader.Length - reader.Offset >= 16)
        {
            signature = new Guid(data.Payload.Slice(reader.Offset, 16));
        }

        _model.Methods.AddModule(moduleId, ilPath, signature);
    }

    private void AddEntryPoint(in RawEvent data)
    {
        // R2RGetEntryPoint: MethodID, namespace (the type), name and signature as UTF-16 strings, EntryPoint.
        var reader = new PayloadReader(data.Payload);
        reader.U64();
        string type = reader.Utf16z();
        string name = reader.Utf16z();
        reader.Utf16z();
        _model.Methods.AddEntryPoint(reader.U64(), type, name);
    }
}
