using Tracer.Engine.Collect;

namespace Tracer.Engine.Tests.Collect;

public sealed class ProcessDisplayNameTests
{
    [Theory]
    [InlineData("./bin/OrderProcessingService --port 80", "OrderProcessingService")] // longer than the 15-character comm
    [InlineData("/usr/share/dotnet/dotnet /srv/app/Orders.Api.dll --urls http://+:80", "Orders.Api")]
    [InlineData("dotnet exec --runtimeconfig x.runtimeconfig.json /sdk/vstest.console.dll --port 1", "vstest.console")]
    [InlineData("dotnet build Tracer.sln", "dotnet")]
    public void The_name_is_the_full_executable_or_the_app_that_dotnet_runs(string commandLine, string expected)
    {
        Assert.Equal(expected, ProcFs.DisplayName(commandLine));
    }

    [Fact]
    public void This_test_process_is_named_from_its_own_cmdline()
    {
        Assert.False(string.IsNullOrEmpty(ProcFs.DisplayName(Environment.ProcessId)));
        Assert.NotEqual("dotnet", ProcFs.DisplayName(Environment.ProcessId)); // testhost runs as dotnet testhost.dll
    }
}
