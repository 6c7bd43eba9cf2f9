using System.Diagnostics;
using System.Security.Cryptography;

namespace Cni.Tests;

/// <summary>
/// A network namespace made for one test with <c>ip netns add cnitest-&lt;tag&gt;-&lt;random&gt;</c> and removed
/// in <see cref="Dispose"/>, which runs even when the test fails (use it with <c>using</c>). Everything
/// a test does to the network happens inside such a namespace, never in the machine's own.
/// </summary>
internal sealed class TestNetns : IDisposable
{
    private bool _disposed;

    public TestNetns(string tag)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        Name = $"cnitest-{tag}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        Run("ip", "netns", "add", Name);
    }

    /// <summary>The namespace name, as <c>ip netns</c> knows it.</summary>
    public string Name { get; }

    /// <summary>The namespace file, for <c>CNI_NETNS</c> and for opening the namespace.</summary>
    public string Path => "/run/netns/" + Name;

    /// <summary>Runs a command inside the namespace (<c>ip netns exec</c>) and returns its standard output; throws on a non-zero exit.</summary>
    public string Exec(params string[] command) => Run(["ip", "netns", "exec", Name, .. command]);

    /// <summary>Runs <c>ip -n &lt;ns&gt; ...</c> and returns its standard output.</summary>
    public string Ip(params string[] arguments) => Run(["ip", "-n", Name, .. arguments]);

    /// <summary>Runs a program and returns its standard output; throws with its standard error on a non-zero exit.</summary>
    public static string Run(params string[] command)
    {
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + command[0]);
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{string.Join(' ', command)}' exited with {process.ExitCode}: {stderr.Result}");
        }

        return stdout;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            Run("ip", "netns", "del", Name);
        }
        catch (InvalidOperationException)
        {
            // Already gone: nothing of ours is left.
        }
    }
}
