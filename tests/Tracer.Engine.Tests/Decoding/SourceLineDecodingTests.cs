using System.Reflection.PortableExecutable;
using System.Text;
using Tracer.Engine.Analysis;
using Tracer.Engine.Decoding;
using Tracer.Engine.Tests.Symbols;

namespace Tracer.Engine.Tests.Decoding;

/// <summary>
/// The runtime events that give frames their lines, decoded from a synthetic V5 stream in the runtime's layouts
/// (ModuleLoad V2, MethodLoadVerbose, MethodILToNativeMap; ClrEtwAll.man, TraceEvent's parsers): a contention stack
/// whose outer frame is a method of this test assembly resolves to the method's line in this file.
/// </summary>
public sealed class SourceLineDecodingTests
{
    private const ulong Start = 0x7f00_0000_1000, ModuleId = 0x5000, MethodId = 0x6000;
    private const int Module = 1, Method = 2, Map = 3, Contention = 4;

    [Fact]
    public void A_module_its_method_and_the_map_give_the_frame_its_line()
    {
        (SourceLineTests.Probe probe, int line) = SourceLineTests.Here();
        IReadOnlyList<string> frames = Decode(probe, CodeViewSignature(probe.Module));
        Assert.Equal(["0xdead", $"{typeof(SourceLineTests).FullName}.{nameof(SourceLineTests.Here)} ({nameof(SourceLineTests)}.cs:{line})"], frames);
    }

    [Fact]
    public void A_module_whose_recorded_pdb_signature_is_another_builds_gets_no_line()
    {
        (SourceLineTests.Probe probe, _) = SourceLineTests.Here();
        IReadOnlyList<string> frames = Decode(probe, Guid.NewGuid());
        Assert.Equal(["0xdead", $"{typeof(SourceLineTests).FullName}.{nameof(SourceLineTests.Here)}"], frames);
    }

    private static IReadOnlyList<string> Decode(SourceLineTests.Probe probe, Guid signature)
    {
        byte[] trace = new NettraceBuilder()
            .Metadata(
                (Module, RuntimeProviders.Runtime, 152, "ModuleLoad"),
                (Method, RuntimeProviders.Runtime, 143, "MethodLoadVerbose"),
                (Map, RuntimeProviders.Runtime, 190, "MethodILToNativeMap"),
                (Contention, RuntimeProviders.Runtime, 81, "ContentionStart"))
            .Stacks(1, [0xdead, Start + 0x41])
            .Events([
                Ev(Module, 1, 100, ModuleLoad(probe.Module, signature)),
                Ev(Method, 2, 200, MethodLoad(probe.Token)),
                Ev(Map, 3, 300, ILMap((uint)probe.ILOffset)),
                Ev(Contention, 4, 400, [0, 0, 0, .. BitConverter.GetBytes(0x10UL), .. BitConverter.GetBytes(0x20UL), .. BitConverter.GetBytes(0UL)], stack: 1),
            ])
            .Finish();
        var analyzer = new TraceAnalyzer();
        using (var decoder = new EventPipeDecoder(new MemoryStream(trace), analyzer))
        {
            decoder.Process();
        }

        Assert.Equal(1, analyzer.Model.Stacks.Count);
        return analyzer.Model.Resolver.ResolveWithLines(0);
    }

    private static NettraceBuilder.Event Ev(int metadata, int sequence, long ticks, byte[] payload, int stack = 0) =>
        new(metadata, sequence, 101, 101, NettraceBuilder.SyncQpc + ticks, payload, Sorted: false, stack);

    /// <summary>ModuleLoad V2: ModuleID, AssemblyID, ModuleFlags, Reserved1, ModuleILPath, ModuleNativePath,
    /// ClrInstanceID, ManagedPdbSignature, ManagedPdbAge, ManagedPdbBuildPath, NativePdbSignature, NativePdbAge, NativePdbBuildPath.</summary>
    private static byte[] ModuleLoad(string path, Guid signature) =>
        [.. BitConverter.GetBytes(ModuleId), .. BitConverter.GetBytes(0x7000UL), .. new byte[8], .. Utf16z(path), .. Utf16z(""),
            0, 0, .. signature.ToByteArray(), .. BitConverter.GetBytes(1u), .. Utf16z("/build/x.pdb"), .. new byte[20], .. Utf16z("")];

    /// <summary>MethodLoadVerbose: MethodID, ModuleID, MethodStartAddress, MethodSize, MethodToken, MethodFlags,
    /// namespace, name, signature, ClrInstanceID, ReJITID.</summary>
    private static byte[] MethodLoad(uint token) =>
        [.. BitConverter.GetBytes(MethodId), .. BitConverter.GetBytes(ModuleId), .. BitConverter.GetBytes(Start), .. BitConverter.GetBytes(0x100u),
            .. BitConverter.GetBytes(token), .. BitConverter.GetBytes(0u), .. Utf16z(typeof(SourceLineTests).FullName!), .. Utf16z(nameof(SourceLineTests.Here)),
            .. Utf16z("void  ()"), 0, 0, .. BitConverter.GetBytes(0UL)];

    /// <summary>MethodILToNativeMap: MethodID, ReJITID, MethodExtent u8, CountOfMapEntries u16, ILOffsets u32[],
    /// NativeOffsets u32[], ClrInstanceID. Native 0..0x3f is IL 0, native 0x40.. the probe's IL offset.</summary>
    private static byte[] ILMap(uint ilOffset) =>
        [.. BitConverter.GetBytes(MethodId), .. BitConverter.GetBytes(0UL), 0, 2, 0, .. BitConverter.GetBytes(0u), .. BitConverter.GetBytes(ilOffset),
            .. BitConverter.GetBytes(0u), .. BitConverter.GetBytes(0x40u), 0, 0];

    private static byte[] Utf16z(string text) => Encoding.Unicode.GetBytes(text + "\0");

    private static Guid CodeViewSignature(string module)
    {
        using var pe = new PEReader(File.OpenRead(module));
        return pe.ReadCodeViewDebugDirectoryData(pe.ReadDebugDirectory().First(e => e.Type == DebugDirectoryEntryType.CodeView)).Guid;
    }
}
