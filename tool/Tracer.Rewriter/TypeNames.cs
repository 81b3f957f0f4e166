using Mono.Cecil;

namespace Tracer.Rewriter;

/// <summary>Type names as the rewriter compares and shows them, and generic inflation of member signatures.</summary>
internal static class TypeNames
{
    /// <summary>A signature shape: generic instances by their definition, generic parameters as "?".</summary>
    public static string Shape(TypeReference type) => type switch
    {
        ByReferenceType r => Shape(r.ElementType) + "&",
        ArrayType a => Shape(a.ElementType) + "[]",
        GenericParameter => "?",
        GenericInstanceType g => $"{g.ElementType.FullName}<{string.Join(",", g.GenericArguments.Select(Shape))}>",
        IModifierType m => Shape(m.ElementType),
        _ => type.FullName,
    };

    /// <summary>Generic parameters a type name brings (nested types count their outer types' too).</summary>
    public static int Arity(string fullName) =>
        fullName.Split('/').Sum(part => part.IndexOf('`') is int tick and >= 0 && int.TryParse(part[(tick + 1)..], out int n) ? n : 0);

    /// <summary>Replaces the type's (!0) and method's (!!0) generic parameters by a call site's arguments.</summary>
    public static TypeReference Inflate(TypeReference type, GenericInstanceType? declaring, GenericInstanceMethod? method)
    {
        switch (type)
        {
            case GenericParameter p when p.Type == GenericParameterType.Type && declaring is not null && p.Position < declaring.GenericArguments.Count:
                return declaring.GenericArguments[p.Position];
            case GenericParameter p when p.Type == GenericParameterType.Method && method is not null && p.Position < method.GenericArguments.Count:
                return method.GenericArguments[p.Position];
            case ByReferenceType r:
                return new ByReferenceType(Inflate(r.ElementType, declaring, method));
            case ArrayType a:
                return new ArrayType(Inflate(a.ElementType, declaring, method), a.Rank);
            case RequiredModifierType m:
                return Inflate(m.ElementType, declaring, method);
            case OptionalModifierType o:
                return Inflate(o.ElementType, declaring, method);
            case GenericInstanceType g:
                var inflated = new GenericInstanceType(g.ElementType);
                foreach (TypeReference argument in g.GenericArguments)
                {
                    inflated.GenericArguments.Add(Inflate(argument, declaring, method));
                }

                return inflated;
            default:
                return type;
        }
    }

    /// <summary>"Outer.Inner" without namespace or generic arity, for reports.</summary>
    public static string Short(TypeReference type)
    {
        string name = StripArity(type.Name);
        return type.DeclaringType is { } outer ? $"{Short(outer)}.{name}" : name;
    }

    public static string StripArity(string name)
    {
        int tick = name.IndexOf('`');
        return tick < 0 ? name : name[..tick];
    }

    public static bool IsVolatile(FieldReference field) =>
        field.FieldType is RequiredModifierType { ModifierType.FullName: "System.Runtime.CompilerServices.IsVolatile" };
}
