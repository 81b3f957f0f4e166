using System.Diagnostics;

namespace Tracer.Integration.Tests.Infrastructure;

/// <summary>
/// A test that runs the tool as the unprivileged user `nobody` against a process of ours. It needs root (to switch
/// user with runuser) and a tool `nobody` can read; otherwise it is skipped with the reason.
/// </summary>
public sealed class AsOtherUserFactAttribute : FactAttribute
{
    public AsOtherUserFactAttribute()
    {
        string? reason = WhyNot();
        if (reason is not null)
        {
            Skip = reason;
        }
    }

    private static string? WhyNot()
    {
        if (!OperatingSystem.IsLinux() || Tracer.Engine.Collect.ProcFs.CurrentUid() != 0)
        {
            return "needs root on Linux to run the tool as another user";
        }

        if (!File.Exists("/usr/sbin/runuser") && !File.Exists("/sbin/runuser"))
        {
            return "runuser is not installed";
        }

        using var probe = Process.Start(new ProcessStartInfo("runuser", ["-u", "nobody", "--", "test", "-r", ToolPaths.TracerDll]) { UseShellExecute = false });
        probe!.WaitForExit(10_000);
        return probe.HasExited && probe.ExitCode == 0 ? null : "user nobody cannot read the built tool in this checkout";
    }
}
