using Mono.Cecil;

namespace Tracer.Rewriter;

/// <summary>
/// Adds a shadow cell (a ShadowCell struct: the fast path's two epochs, inline in the object, so a same-epoch check
/// reads the object's own cache line) next to every field the rewriter checks. Checked: instance and static fields of
/// classes declared in the module, except constants, readonly fields (written only before the object is published; a
/// racy publication is caught on the field that publishes it), volatile and [ThreadStatic] fields, fields of structs
/// (their address can be anywhere), of compiler-generated async/iterator state machines (only their own flow
/// touches them), and the compiler's lambda caches (<c>&lt;&gt;c.&lt;&gt;9__N_M</c>: written racily by design, each
/// writer storing an equivalent delegate).
/// </summary>
internal static class FieldShadows
{
    public static Dictionary<FieldDefinition, FieldDefinition> Add(ModuleDefinition module, TypeReference cellType)
    {
        var shadows = new Dictionary<FieldDefinition, FieldDefinition>();
        foreach (TypeDefinition type in module.GetTypes().ToList())
        {
            if (type.IsValueType || type.IsInterface || type.IsEnum || type.IsExplicitLayout || IsStateMachine(type) || IsDelegate(type))
            {
                continue;
            }

            foreach (FieldDefinition field in type.Fields.ToList())
            {
                if (field.IsLiteral || field.IsInitOnly || TypeNames.IsVolatile(field) || IsLambdaCache(type, field)
                    || field.HasCustomAttributes && field.CustomAttributes.Any(a => a.AttributeType.Name == "ThreadStaticAttribute"))
                {
                    continue;
                }

                // Same accessibility as the field: every method that may touch the field may touch its shadow.
                var shadow = new FieldDefinition($"<{field.Name}>race", (field.Attributes & FieldAttributes.FieldAccessMask) | FieldAttributes.NotSerialized | (field.IsStatic ? FieldAttributes.Static : 0), cellType);
                type.Fields.Add(shadow);
                shadows[field] = shadow;
            }
        }

        return shadows;
    }

    public static bool IsStateMachine(TypeDefinition type) =>
        type.Interfaces.Any(i => i.InterfaceType.FullName == "System.Runtime.CompilerServices.IAsyncStateMachine")
        || type.Fields.Any(f => f.Name == "<>1__state");

    public static bool IsAsyncStateMachine(TypeDefinition type) =>
        type.Interfaces.Any(i => i.InterfaceType.FullName == "System.Runtime.CompilerServices.IAsyncStateMachine");

    /// <summary>A static delegate cache of a non-capturing lambda in the compiler's <c>&lt;&gt;c</c> class.</summary>
    private static bool IsLambdaCache(TypeDefinition type, FieldDefinition field) =>
        field.IsStatic && type.Name == "<>c" && field.Name.StartsWith("<>9__", StringComparison.Ordinal);

    private static bool IsDelegate(TypeDefinition type) => type.BaseType?.FullName is "System.MulticastDelegate" or "System.Delegate";
}
