using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using Tracer.Engine.Symbols;

namespace Tracer.Engine.Tests.Symbols;

/// <summary>
/// Frame address → method → native offset → IL offset (the JIT's map, synthetic here) → line (this test assembly's
/// own portable PDB). The expected line is the compiler's (CallerLineNumber), the IL offset the runtime's (StackFrame),
/// so the PDB reading is checked against two sources that do not go through it.
/// </summary>
public sealed class SourceLineTests
{
    private const ulong Start = 0x7f00_0000_1000;
    private const ulong ModuleId = 0xabc;
    private const ulong MethodId = 0x42;

    [Fact]
    public void The_map_gives_the_il_offset_of_the_largest_native_offset_not_above()
    {
        var code = new MethodCode(ModuleId, 0x06000001);
        Assert.Null(code.ILOffsetAt(0x10)); // no map yet
        // Out of order as the JIT may send them; 0xFFFFFFFE is the prolog, 0xFFFFFFFD the epilog.
        code.SetMap([0x10, 0xFFFFFFFE, 0x0, 0x20, 0xFFFFFFFD], [0x30, 0x0, 0x8, 0x50, 0x60]);

        Assert.Null(code.ILOffsetAt(0x7));    // prolog
        Assert.Equal(0x0, code.ILOffsetAt(0x8));
        Assert.Equal(0x0, code.ILOffsetAt(0x2f));
        Assert.Equal(0x10, code.ILOffsetAt(0x30));
        Assert.Equal(0x20, code.ILOffsetAt(0x5f));
        Assert.Null(code.ILOffsetAt(0x60));   // epilog
    }

    [Fact]
    public void A_frame_gets_the_line_of_its_call_from_the_modules_pdb()
    {
        (Probe probe, int line) = Here();
        var resolver = new StackResolver(new StackTable(), Table(probe)) { Lines = new PdbLineResolver() };
        string method = $"{typeof(SourceLineTests).FullName}.{nameof(Here)}";

        // An outer frame is a return address: the call is the byte before it.
        int outer = resolver.Stacks.Intern([0xdead, Start + 0x41]);
        Assert.Equal(["0xdead", $"{method} ({nameof(SourceLineTests)}.cs:{line})"], resolver.ResolveWithLines(outer));
        // Just past the entry the byte before is still the method's first statement: not that line.
        int atBoundary = resolver.Stacks.Intern([0xdead, Start + 0x40]);
        Assert.DoesNotContain($":{line})", resolver.ResolveWithLines(atBoundary)[1], StringComparison.Ordinal);
        // The innermost frame is where the thread is, not a return address.
        int leaf = resolver.Stacks.Intern([Start + 0x40]);
        Assert.Equal([$"{method} ({nameof(SourceLineTests)}.cs:{line})"], resolver.ResolveWithLines(leaf));
        // What classifiers read has no lines.
        Assert.Equal(["0xdead", method], resolver.Resolve(outer));
    }

    [Fact]
    public void Without_a_line_resolver_frames_are_names_only()
    {
        (Probe probe, _) = Here();
        var resolver = new StackResolver(new StackTable(), Table(probe));
        int stack = resolver.Stacks.Intern([Start + 0x41]);
        Assert.Equal([$"{typeof(SourceLineTests).FullName}.{nameof(Here)}"], resolver.ResolveWithLines(stack));
    }

    [Fact]
    public void A_pdb_with_another_id_gives_no_line()
    {
        (Probe probe, int line) = Here();
        var lines = new PdbLineResolver();
        Assert.Equal(new SourceLine($"{nameof(SourceLineTests)}.cs", line), lines.Find(probe.Module, Guid.Empty, probe.Token, probe.ILOffset));
        Assert.Null(lines.Find(probe.Module, Guid.NewGuid(), probe.Token, probe.ILOffset)); // the trace's signature is another build's
    }

    [Fact]
    public void A_missing_or_broken_pdb_gives_no_line_and_no_exception()
    {
        (Probe probe, _) = Here();
        string dir = Directory.CreateTempSubdirectory("tracer-pdb-").FullName;
        try
        {
            string module = Path.Combine(dir, "Broken.dll");
            var lines = new PdbLineResolver();
            Assert.Null(lines.Find(module, Guid.NewGuid(), probe.Token, probe.ILOffset)); // nothing there
            File.Copy(probe.Module, module);
            File.WriteAllBytes(Path.ChangeExtension(module, ".pdb"), [0x42, 0x53, 0x4a, 0x42, 1, 2, 3]); // BSJB, then cut
            Assert.Null(new PdbLineResolver().Find(module, Guid.Empty, probe.Token, probe.ILOffset));
            File.WriteAllBytes(Path.ChangeExtension(module, ".pdb"), new byte[4096]);
            Assert.Null(new PdbLineResolver().Find(module, Guid.Empty, probe.Token, probe.ILOffset));
            Assert.Null(new PdbLineResolver().Find(module, Guid.Empty, 0x02000001, 0)); // a TypeDef token is no method
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A method table where <see cref="Here"/> is jitted at <see cref="Start"/>: native 0..0x3f is IL 0 (its
    /// opening statement), native 0x40.. the IL offset of the StackFrame call.</summary>
    private static MethodTable Table(Probe probe)
    {
        var methods = new MethodTable();
        methods.AddModule(ModuleId, probe.Module, Guid.Empty);
        methods.Add(Start, 0x100, typeof(SourceLineTests).FullName!, nameof(Here), MethodId, ModuleId, probe.Token);
        methods.AddILMap(MethodId, 0, [0, (uint)probe.ILOffset], [0, 0x40]);
        return methods;
    }

    /// <summary>Where this method calls StackFrame: its module, token and IL offset, and the line (the compiler's).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static (Probe Probe, int Line) Here()
    {
        int thread = Environment.CurrentManagedThreadId; // IL 0 is this line, not the next
        (StackFrame frame, int line) = (new StackFrame(0, false), LineNumber(thread));
        MethodBase method = frame.GetMethod()!;
        return (new Probe(method.Module.FullyQualifiedName, (uint)method.MetadataToken, frame.GetILOffset()), line);
    }

    private static int LineNumber(int thread, [CallerLineNumber] int line = 0) => thread >= 0 ? line : 0;

    internal sealed record Probe(string Module, uint Token, int ILOffset);
}
