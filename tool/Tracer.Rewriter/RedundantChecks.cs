using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Tracer.Rewriter;

/// <summary>
/// Field checks that cannot report anything new: within one straight run of IL with no call, branch or
/// synchronisation, a load after a check of the same field of the same object (loaded from the same, unchanged
/// local or argument), or a store after a store's check. The thread's epoch changes only in calls, so the second
/// access is in the same epoch as the first and FastTrack's same-epoch rule would return at once; a concurrent
/// access by another thread meanwhile is reported by that thread's own check. And a load followed in the same run by
/// a store to the same field of the same object, with nothing between that can throw: the store's check finds every
/// race the load's would (a racing write is write-write to the store; a later racing access sees the store), it only
/// names the store's site for this side.
/// </summary>
internal static class RedundantChecks
{
    private const int Lookback = 16;

    /// <summary>The accesses (by original instruction) whose check can be left out.</summary>
    public static HashSet<Instruction> Find(MethodBody body, Func<Instruction, FieldDefinition?> checkedField)
    {
        var redundant = new HashSet<Instruction>();
        HashSet<Instruction> starts = BlockStarts(body);
        // (object's local or argument, or null for a static; the field) -> true when a store was checked.
        var seen = new Dictionary<(object?, FieldDefinition), bool>();
        // Checked loads of this run not yet followed by anything that can throw: a store to the same location covers them.
        var loads = new Dictionary<(object?, FieldDefinition), Instruction>();
        foreach (Instruction at in body.Instructions)
        {
            if (starts.Contains(at))
            {
                seen.Clear();
            }

            if (starts.Contains(at) || !CannotThrow(at, loads, starts))
            {
                loads.Clear();
            }

            if (checkedField(at) is { } field)
            {
                bool store = at.OpCode.Code is Code.Stfld or Code.Stsfld;
                object? owner = field.IsStatic ? null : Owner(at, store ? 1 : 0, starts);
                if (field.IsStatic || owner is not null)
                {
                    if (seen.TryGetValue((owner, field), out bool stored) && (stored || !store))
                    {
                        redundant.Add(at);
                    }
                    else
                    {
                        seen[(owner, field)] = store;
                        if (!store)
                        {
                            loads[(owner, field)] = at;
                        }
                    }

                    if (store && loads.Remove((owner, field), out Instruction? load))
                    {
                        redundant.Add(load);
                    }
                }
            }
            else if (EndsRun(at))
            {
                seen.Clear();
                loads.Clear();
            }
            else if (at.OpCode.Code is Code.Stloc or Code.Starg or Code.Ldloca or Code.Ldarga)
            {
                // The local now holds another object (or may, through its address).
                foreach ((object?, FieldDefinition) key in seen.Keys.Where(k => k.Item1 == at.Operand).ToList())
                {
                    seen.Remove(key);
                    loads.Remove(key);
                }
            }
        }

        return redundant;
    }

    /// <summary>Where straight-line reasoning stops: control flow, calls (a release or acquire may be inside), stores
    /// through addresses (a local's address may have been taken), volatile accesses (synchronisation).</summary>
    private static bool EndsRun(Instruction at) =>
        at.OpCode.FlowControl is not (FlowControl.Next or FlowControl.Meta)
        || at.OpCode.Code is Code.Newobj or Code.Volatile or Code.Stobj or Code.Initobj or Code.Cpobj or Code.Cpblk or Code.Initblk
        || at.OpCode.Code >= Code.Stind_Ref && at.OpCode.Code <= Code.Stind_R8 || at.OpCode.Code is Code.Stind_I;

    /// <summary>Instructions that cannot throw between a load and a store: stack and local moves, constants, arithmetic
    /// without overflow checks or division, and field accesses on an object whose checked load already succeeded (or
    /// statics of a type already initialised by one).</summary>
    private static bool CannotThrow(Instruction at, Dictionary<(object?, FieldDefinition), Instruction> loads, HashSet<Instruction> starts) => at.OpCode.Code switch
    {
        Code.Nop or Code.Ldloc or Code.Ldarg or Code.Stloc or Code.Ldc_I4 or Code.Ldc_I8 or Code.Ldc_R4 or Code.Ldc_R8 or Code.Ldnull
            or Code.Ldstr or Code.Dup or Code.Pop or Code.Add or Code.Sub or Code.Mul or Code.And or Code.Or or Code.Xor
            or Code.Shl or Code.Shr or Code.Shr_Un or Code.Neg or Code.Not or Code.Ceq or Code.Cgt or Code.Cgt_Un or Code.Clt
            or Code.Clt_Un or Code.Conv_I1 or Code.Conv_I2 or Code.Conv_I4 or Code.Conv_I8 or Code.Conv_R4 or Code.Conv_R8
            or Code.Conv_U1 or Code.Conv_U2 or Code.Conv_U4 or Code.Conv_U8 or Code.Conv_I or Code.Conv_U or Code.Conv_R_Un => true,
        Code.Ldfld or Code.Stfld => Owner(at, at.OpCode.Code == Code.Stfld ? 1 : 0, starts) is { } owner && loads.Keys.Any(k => k.Item1 == owner),
        Code.Ldsfld or Code.Stsfld => ((FieldReference)at.Operand).Resolve()?.DeclaringType is { } type && loads.Keys.Any(k => k.Item1 is null && k.Item2.DeclaringType == type),
        _ => false,
    };

    private static HashSet<Instruction> BlockStarts(MethodBody body)
    {
        var starts = new HashSet<Instruction>();
        foreach (Instruction at in body.Instructions)
        {
            switch (at.Operand)
            {
                case Instruction target:
                    starts.Add(target);
                    break;
                case Instruction[] targets:
                    starts.UnionWith(targets);
                    break;
            }
        }

        foreach (ExceptionHandler handler in body.ExceptionHandlers)
        {
            foreach (Instruction? at in new[] { handler.TryStart, handler.TryEnd, handler.HandlerStart, handler.HandlerEnd, handler.FilterStart })
            {
                if (at is not null)
                {
                    starts.Add(at);
                }
            }
        }

        return starts;
    }

    /// <summary>The local or argument whose value is at <paramref name="depth"/> on the stack (0 = top) before
    /// <paramref name="at"/>, when a plain ldloc/ldarg in the same run pushed it; otherwise null.</summary>
    private static object? Owner(Instruction at, int depth, HashSet<Instruction> starts)
    {
        int need = depth;
        Instruction current = at;
        for (int i = 0; i < Lookback; i++)
        {
            if (starts.Contains(current) || current.Previous is not { } back)
            {
                return null;
            }

            current = back;
            if (Pops(current.OpCode) is not { } pops || Pushes(current.OpCode) is not { } pushes)
            {
                return null;
            }

            if (current.OpCode.Code == Code.Dup)
            {
                need = need < 2 ? 0 : need - 1; // both copies are the value below
                continue;
            }

            if (need < pushes)
            {
                return pushes == 1 && current.OpCode.Code is Code.Ldloc or Code.Ldarg ? current.Operand : null;
            }

            need += pops - pushes;
        }

        return null;
    }

    private static int? Pops(OpCode op) => op.StackBehaviourPop switch
    {
        StackBehaviour.Pop0 => 0,
        StackBehaviour.Pop1 or StackBehaviour.Popi or StackBehaviour.Popref => 1,
        StackBehaviour.Pop1_pop1 or StackBehaviour.Popi_pop1 or StackBehaviour.Popi_popi or StackBehaviour.Popi_popi8
            or StackBehaviour.Popi_popr4 or StackBehaviour.Popi_popr8 or StackBehaviour.Popref_pop1 or StackBehaviour.Popref_popi => 2,
        StackBehaviour.Popi_popi_popi or StackBehaviour.Popref_popi_popi or StackBehaviour.Popref_popi_popi8
            or StackBehaviour.Popref_popi_popr4 or StackBehaviour.Popref_popi_popr8 or StackBehaviour.Popref_popi_popref => 3,
        _ => null,
    };

    private static int? Pushes(OpCode op) => op.StackBehaviourPush switch
    {
        StackBehaviour.Push0 => 0,
        StackBehaviour.Push1_push1 => 2,
        StackBehaviour.Varpush => null,
        _ => 1,
    };
}
