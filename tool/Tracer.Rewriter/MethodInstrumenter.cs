using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace Tracer.Rewriter;

/// <summary>
/// Instruments one method body: checked field loads and stores call the runtime with their shadow cell and site;
/// synchronisation calls are redirected to the runtime's helpers; collection, hand-off, atomic and unmodelled-await
/// calls get a call before and/or after; an async state machine's MoveNext keeps its flow's clock across awaits.
/// Static constructors are left alone: the runtime's type-initialisation lock orders them before every other use.
/// </summary>
internal sealed class MethodInstrumenter(RuntimeRefs refs, Dictionary<FieldDefinition, FieldDefinition> shadows,
    Dictionary<TypeDefinition, FieldDefinition> flows, SiteTable sites)
{
    public int Instrument(MethodDefinition method)
    {
        if (!method.HasBody || method.Body.Instructions.Count == 0)
        {
            return 0;
        }

        MethodBody body = method.Body;
        body.SimplifyMacros();
        var editor = new IlEditor(body);
        FieldReference? flow = FlowOf(method);
        // The thread's state, loaded once at entry (see Fields.Thread) when the method checks any field.
        _thread = new VariableDefinition(refs.RaceThread);
        _threadUsed = false;
        _redundant = RedundantChecks.Find(body, at => at.Previous is { OpCode.Code: Code.Volatile } ? null : Checked(at).Definition);
        int edits = 0;
        foreach (Instruction at in body.Instructions.ToList())
        {
            edits += at.OpCode.Code switch
            {
                Code.Ldfld or Code.Stfld or Code.Ldsfld or Code.Stsfld when !(method.IsConstructor && method.IsStatic) => Field(method, editor, at),
                Code.Call or Code.Callvirt or Code.Newobj => Call(method, editor, at, flow),
                _ => 0,
            };
        }

        if (_threadUsed)
        {
            body.Variables.Add(_thread);
            editor.InsertBefore(body.Instructions[0], Instruction.Create(OpCodes.Call, refs.CurrentThread), Instruction.Create(OpCodes.Stloc, _thread));
        }

        if (flow is not null)
        {
            editor.InsertBefore(body.Instructions[0], Instruction.Create(OpCodes.Ldarg_0), Instruction.Create(OpCodes.Ldflda, flow), Instruction.Create(OpCodes.Call, refs.Resume));
            edits++;
        }

        body.OptimizeMacros();
        return edits;
    }

    private VariableDefinition _thread = null!;
    private bool _threadUsed;
    private HashSet<Instruction> _redundant = [];

    /// <summary>The field an access instruction touches and its shadow cell, when the field is checked.</summary>
    private (FieldDefinition? Definition, FieldDefinition? Shadow) Checked(Instruction at)
    {
        if (at.OpCode.Code is not (Code.Ldfld or Code.Stfld or Code.Ldsfld or Code.Stsfld) || at.Operand is not FieldReference field
            || field.DeclaringType.Scope != refs.Module && field.Module != refs.Module || field.Resolve() is not { } definition
            || !shadows.TryGetValue(definition, out FieldDefinition? shadow))
        {
            return (null, null);
        }

        return (definition, shadow);
    }

    private int Field(MethodDefinition method, IlEditor editor, Instruction at)
    {
        var field = (FieldReference)at.Operand;
        if (at.Previous is { OpCode.Code: Code.Volatile })
        {
            // A volatile access is a synchronisation (acquire on load, release on store), not a checked access.
            if (at.OpCode.Code is Code.Ldfld or Code.Ldsfld)
            {
                editor.InsertAfter(at, Instruction.Create(OpCodes.Call, refs.AtomicAfter));
            }
            else
            {
                editor.InsertBefore(at, Instruction.Create(OpCodes.Call, refs.AtomicBefore), Instruction.Create(OpCodes.Nop));
            }

            return 1;
        }

        if (Checked(at) is not ({ } definition, { } shadow) || _redundant.Contains(at))
        {
            return 0; // not checked, or a repeat in the same epoch (RedundantChecks)
        }

        FieldReference cell = field.DeclaringType is GenericInstanceType generic
            ? new FieldReference(shadow.Name, shadow.FieldType, generic)
            : shadow;
        int site = sites.Add($"{TypeNames.Short(definition.DeclaringType)}.{definition.Name}", method, at);
        Instruction siteId = Instruction.Create(OpCodes.Ldc_I4, site);
        Instruction thread = Instruction.Create(OpCodes.Ldloc, _thread);
        _threadUsed = true;
        switch (at.OpCode.Code)
        {
            case Code.Ldfld:
                editor.InsertBefore(at, Instruction.Create(OpCodes.Dup), Instruction.Create(OpCodes.Ldflda, cell), thread, siteId, Instruction.Create(OpCodes.Call, refs.FieldRead));
                break;
            case Code.Stfld:
                TypeReference valueType = TypeNames.Inflate(field.FieldType, field.DeclaringType as GenericInstanceType, null);
                VariableDefinition value = editor.Temp(valueType, 0);
                editor.InsertBefore(at, Instruction.Create(OpCodes.Stloc, value), Instruction.Create(OpCodes.Dup), Instruction.Create(OpCodes.Ldflda, cell),
                    thread, siteId, Instruction.Create(OpCodes.Call, refs.FieldWrite), Instruction.Create(OpCodes.Ldloc, value));
                break;
            case Code.Ldsfld:
                editor.InsertBefore(at, Instruction.Create(OpCodes.Ldsflda, cell), thread, siteId, Instruction.Create(OpCodes.Call, refs.FieldRead));
                break;
            default:
                editor.InsertBefore(at, Instruction.Create(OpCodes.Ldsflda, cell), thread, siteId, Instruction.Create(OpCodes.Call, refs.FieldWrite));
                break;
        }

        return 1;
    }

    private int Call(MethodDefinition method, IlEditor editor, Instruction at, FieldReference? flow)
    {
        var called = (MethodReference)at.Operand;
        if (at.Previous is { OpCode.Code: Code.Constrained })
        {
            return 0; // a generic call on a type parameter: not one of the framework calls we know
        }

        if (flow is not null && called.Name is "AwaitUnsafeOnCompleted" or "AwaitOnCompleted")
        {
            // Published before the awaiter may run the continuation elsewhere.
            editor.InsertBefore(at, Instruction.Create(OpCodes.Ldarg_0), Instruction.Create(OpCodes.Ldflda, flow), Instruction.Create(OpCodes.Call, refs.Suspend), Instruction.Create(OpCodes.Nop));
            return 1;
        }

        if (refs.Table.Find(called, at.OpCode.Code == Code.Newobj) is { } helper && refs.Helper(helper, called) is { } replacement)
        {
            Instruction call = at;
            if (RedirectTable.HasSite(helper))
            {
                editor.InsertBefore(at, Instruction.Create(OpCodes.Ldc_I4, sites.Add(SiteTarget(at, called), method, at)), Instruction.Create(OpCodes.Nop));
                call = editor.Moved!;
            }

            call.OpCode = OpCodes.Call;
            call.Operand = replacement;
            return 1;
        }

        CallKind kind = CallKinds.Of(called);
        switch (kind)
        {
            case CallKind.None:
                return 0;
            case CallKind.Atomic:
                editor.InsertBefore(at, Instruction.Create(OpCodes.Call, refs.AtomicBefore), Instruction.Create(OpCodes.Nop));
                editor.InsertAfter(editor.Moved!, Instruction.Create(OpCodes.Call, refs.AtomicAfter));
                return 1;
            case CallKind.Unmodelled:
                editor.InsertAfter(at, Instruction.Create(OpCodes.Call, refs.Unmodelled));
                return 1;
            default:
                return Receiver(method, editor, at, called, kind);
        }
    }

    /// <summary>Spills the arguments to reach the receiver, reports the call on it, and puts the arguments back.</summary>
    private int Receiver(MethodDefinition method, IlEditor editor, Instruction at, MethodReference called, CallKind kind)
    {
        var declaring = called.DeclaringType as GenericInstanceType;
        var generic = called as GenericInstanceMethod;
        var code = new List<Instruction>();
        var temps = new List<VariableDefinition>();
        for (int i = called.Parameters.Count - 1; i >= 0; i--)
        {
            VariableDefinition temp = editor.Temp(TypeNames.Inflate(called.Parameters[i].ParameterType, declaring, generic), i + 1);
            temps.Insert(0, temp);
            code.Add(Instruction.Create(OpCodes.Stloc, temp));
        }

        code.Add(Instruction.Create(OpCodes.Dup));
        VariableDefinition? receiver = null;
        if (kind == CallKind.Handoff)
        {
            receiver = editor.Temp(refs.Object, 0);
            code.Add(Instruction.Create(OpCodes.Dup));
            code.Add(Instruction.Create(OpCodes.Stloc, receiver));
            code.Add(Instruction.Create(OpCodes.Call, refs.HandoffBefore));
        }
        else
        {
            bool write = kind is CallKind.CollectionWrite or CallKind.InterfaceWrite;
            code.Add(Instruction.Create(OpCodes.Ldc_I4, sites.Add(CallKinds.Target(called), method, at)));
            code.Add(Instruction.Create(write ? OpCodes.Ldc_I4_1 : OpCodes.Ldc_I4_0));
            code.Add(Instruction.Create(OpCodes.Call, kind is CallKind.CollectionRead or CallKind.CollectionWrite ? refs.CollectionCall : refs.InterfaceCall));
        }

        code.AddRange(temps.Select(t => Instruction.Create(OpCodes.Ldloc, t)));
        editor.InsertBefore(at, [.. code]);
        if (receiver is not null)
        {
            editor.InsertAfter(editor.Moved!, Instruction.Create(OpCodes.Ldloc, receiver), Instruction.Create(OpCodes.Call, refs.HandoffAfter));
        }

        return 1;
    }

    /// <summary>What a lock or named probe site is called: the field the lock was loaded from, or the probe's name.</summary>
    private static string SiteTarget(Instruction at, MethodReference called)
    {
        Instruction? back = at.Previous;
        for (int i = 0; i < 8 && back is not null; i++, back = back.Previous)
        {
            switch (back.OpCode.Code)
            {
                case Code.Ldfld or Code.Ldsfld:
                    var field = (FieldReference)back.Operand;
                    TypeReference owner = field.DeclaringType.GetElementType();
                    // A lambda's captured local lives in a display class: name it after the method's type.
                    return owner.Name.StartsWith("<>c", StringComparison.Ordinal) && owner.DeclaringType is { } outer
                        ? $"{TypeNames.Short(outer)}.{field.Name}"
                        : $"{TypeNames.Short(owner)}.{field.Name}";
                case Code.Ldstr when called.DeclaringType.Name == "Probe":
                    return (string)back.Operand;
                case Code.Dup or Code.Stloc or Code.Ldloc or Code.Ldloca or Code.Ldc_I4 or Code.Nop or Code.Ldarg or Code.Ldarga:
                    continue;
                default:
                    i = 8;
                    break;
            }
        }

        return $"a {TypeNames.Short(called.DeclaringType.GetElementType())} lock";
    }

    private FieldReference? FlowOf(MethodDefinition method)
    {
        if (method.Name != "MoveNext" || !flows.TryGetValue(method.DeclaringType, out FieldDefinition? flow))
        {
            return null;
        }

        TypeDefinition type = method.DeclaringType;
        if (!type.HasGenericParameters)
        {
            return flow;
        }

        var self = new GenericInstanceType(type);
        foreach (GenericParameter parameter in type.GenericParameters)
        {
            self.GenericArguments.Add(parameter);
        }

        return new FieldReference(flow.Name, flow.FieldType, self);
    }
}
