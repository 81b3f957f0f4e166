using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Tracer.Rewriter;

/// <summary>
/// Inserts IL around an instruction without breaking branches, handlers or prefixes: code "before" an instruction
/// takes the instruction's own object (which branches and handler boundaries point to) and the original moves after
/// it; an instruction's prefixes (volatile., constrained., unaligned.) stay glued to it.
/// </summary>
internal sealed class IlEditor(MethodBody body)
{
    private readonly Dictionary<string, VariableDefinition> _temps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _tempUse = new(StringComparer.Ordinal);

    public MethodBody Body { get; } = body;

    /// <summary>The first prefix of <paramref name="at"/>, or the instruction itself.</summary>
    public static Instruction Start(Instruction at)
    {
        Instruction start = at;
        while (start.Previous is { OpCode.OpCodeType: OpCodeType.Prefix } prefix)
        {
            start = prefix;
        }

        return start;
    }

    public void InsertBefore(Instruction at, params Instruction[] code)
    {
        if (code.Length == 0)
        {
            return;
        }

        Instruction start = Start(at);
        Instruction moved = Instruction.Create(OpCodes.Nop);
        moved.OpCode = start.OpCode;
        moved.Operand = start.Operand;
        start.OpCode = code[0].OpCode;
        start.Operand = code[0].Operand;
        ILProcessor il = Body.GetILProcessor();
        Instruction last = start;
        foreach (Instruction next in code.Skip(1).Append(moved))
        {
            il.InsertAfter(last, next);
            last = next;
        }

        // If the start had been the original at, "at" now holds code[0]: callers keep using the returned chain.
        if (start == at)
        {
            Moved = moved;
        }
        else
        {
            Moved = at;
        }
    }

    /// <summary>Where the instruction passed to the last <see cref="InsertBefore"/> now is.</summary>
    public Instruction? Moved { get; private set; }

    public void InsertAfter(Instruction at, params Instruction[] code)
    {
        ILProcessor il = Body.GetILProcessor();
        Instruction last = at;
        foreach (Instruction next in code)
        {
            il.InsertAfter(last, next);
            last = next;
        }
    }

    /// <summary>A temporary local of the type; each use within one edit gets its own (index by <paramref name="slot"/>).</summary>
    public VariableDefinition Temp(TypeReference type, int slot)
    {
        string key = $"{type.FullName}#{slot}";
        if (!_temps.TryGetValue(key, out VariableDefinition? local))
        {
            local = new VariableDefinition(type);
            Body.Variables.Add(local);
            _temps[key] = local;
        }

        return local;
    }
}
