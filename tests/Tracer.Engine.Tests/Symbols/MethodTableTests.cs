using Tracer.Engine.Symbols;

namespace Tracer.Engine.Tests.Symbols;

/// <summary>
/// Precompiled (ReadyToRun) methods have no load event; R2RGetEntryPoint names them live by their entry point alone.
/// Without it a live wait stack of framework code was bare addresses, so app.Run() or BlockingCollection.Take could
/// not be read as idle points until the rundown, and a hang notice appeared that the final report withdrew.
/// </summary>
public sealed class MethodTableTests
{
    [Fact]
    public void A_method_known_by_its_entry_point_reaches_the_next_known_method()
    {
        var methods = new MethodTable();
        methods.AddEntryPoint(0x1000, "Microsoft.AspNetCore.Builder.WebApplication", "Run");
        methods.Add(0x1400, 0x100, "Program", "Main");
        methods.AddEntryPoint(0x2000, "System.Threading.ManualResetEventSlim", "Wait");

        Assert.Equal("Microsoft.AspNetCore.Builder.WebApplication.Run", methods.Lookup(0x1000));
        Assert.Equal("Microsoft.AspNetCore.Builder.WebApplication.Run", methods.Lookup(0x13ff));
        Assert.Equal("Program.Main", methods.Lookup(0x1400));
        Assert.Null(methods.Lookup(0x1500)); // past Main's exact end, before the next start
        Assert.Equal("System.Threading.ManualResetEventSlim.Wait", methods.Lookup(0x2000 + MethodTable.MaxOpenSize - 1));
        Assert.Null(methods.Lookup(0x2000 + MethodTable.MaxOpenSize)); // no further than MaxOpenSize
        Assert.Null(methods.Lookup(0xfff));
    }

    [Fact]
    public void The_rundown_range_of_the_same_method_gives_the_same_name_in_any_order()
    {
        var methods = new MethodTable();
        methods.AddEntryPoint(0x3000, "System.Threading.Monitor", "Wait");
        methods.AddEntryPoint(0x1000, "System.Threading.Thread", "Join");
        methods.Add(0x3000, 0x40, "System.Threading.Monitor", "Wait");

        Assert.Equal("System.Threading.Monitor.Wait", methods.Lookup(0x3010));
        Assert.Equal("System.Threading.Thread.Join", methods.Lookup(0x2fff));
    }
}
