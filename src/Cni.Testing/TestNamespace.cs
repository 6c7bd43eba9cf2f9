using System.Security.Cryptography;
using System.Text;
using Cni.Netlink;
using Cni.Skel;
using Cni.Spec;

namespace Cni.Testing;

/// <summary>
/// A network namespace made for one test, named <c>cnitest-&lt;tag&gt;-&lt;8 hex digits&gt;</c> and removed by
/// <see cref="Dispose"/>, which runs even when the test fails when the namespace is held in a <c>using</c>.
/// Everything a test does to the network belongs in such a namespace, never in the machine's own.
/// </summary>
/// <remarks>
/// The namespace is made and removed with iproute2's <c>ip netns add</c> and <c>ip netns del</c>, so it is the
/// named namespace every tool sees (<c>/run/netns/&lt;name&gt;</c>, usable as <c>CNI_NETNS</c>). Making one needs
/// root (or CAP_SYS_ADMIN) and iproute2.
/// </remarks>
public sealed class TestNamespace : IDisposable
{
    private static readonly string[] IpLocations = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"];
    private bool _disposed;

    private TestNamespace(string name) => Name = name;

    /// <summary>The namespace's name, as <c>ip netns</c> knows it.</summary>
    public string Name { get; }

    /// <summary>The namespace file: what <c>CNI_NETNS</c> is set to.</summary>
    public string Path => "/run/netns/" + Name;

    /// <summary>Makes a namespace with a unique name and brings its loopback up when asked.</summary>
    /// <param name="tag">A short word naming the test (letters, digits and dashes; at most 30 characters).</param>
    /// <param name="loopbackUp">Whether to bring <c>lo</c> up (a fresh namespace has it down).</param>
    /// <returns>The namespace; dispose it to remove it.</returns>
    /// <exception cref="ArgumentException">The tag is empty, too long, or has other characters.</exception>
    /// <exception cref="InvalidOperationException">The namespace could not be made (not root, no iproute2).</exception>
    public static TestNamespace Create(string tag, bool loopbackUp = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        if (tag.Length > 30 || !tag.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw new ArgumentException($"the tag \"{tag}\" must be 1 to 30 ASCII letters, digits or dashes", nameof(tag));
        }

        var created = new TestNamespace($"cnitest-{tag}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        RunIp("netns", "add", created.Name);
        try
        {
            if (loopbackUp)
            {
                created.Ip("link", "set", "lo", "up");
            }
        }
        catch
        {
            created.Dispose();
            throw;
        }

        return created;
    }

    /// <summary>Runs <c>ip -n &lt;namespace&gt; ...</c> and returns what it printed.</summary>
    /// <param name="arguments">The arguments after <c>-n &lt;namespace&gt;</c>, for example <c>"-j", "addr"</c>.</param>
    /// <returns>Its standard output.</returns>
    /// <exception cref="InvalidOperationException">It exited with a non-zero code (its stderr is in the message).</exception>
    public string Ip(params string[] arguments) => RunIp(["-n", Name, .. arguments]);

    /// <summary>Runs a program inside the namespace (<c>ip netns exec</c>) and returns what it printed.</summary>
    /// <param name="command">The program (a path, or a name found on PATH by <c>ip</c>) and its arguments.</param>
    /// <returns>Its standard output.</returns>
    /// <exception cref="InvalidOperationException">It exited with a non-zero code (its stderr is in the message).</exception>
    public string Exec(params string[] command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Length == 0)
        {
            throw new ArgumentException("a command is needed", nameof(command));
        }

        return RunIp(["netns", "exec", Name, .. command]);
    }

    /// <summary>Runs code on a thread inside the namespace: sockets it opens and children it starts are the namespace's.</summary>
    /// <typeparam name="T">What the code returns.</typeparam>
    /// <param name="function">The code.</param>
    /// <returns>What it returned.</returns>
    public T Run<T>(Func<T> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        ObjectDisposedException.ThrowIf(_disposed, this);
        using NetworkNamespace ns = NetworkNamespace.Open(Path);
        return ns.Run(() =>
        {
            // The guard that keeps the machine's own namespace out of reach.
            if (!NetworkNamespace.IsCurrent(Path))
            {
                throw new InvalidOperationException($"the thread did not enter {Name}");
            }

            return function();
        });
    }

    /// <summary>Removes the namespace; a namespace already gone is not an error.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            RunIp("netns", "del", Name);
        }
        catch (InvalidOperationException)
        {
            // Already gone: nothing of ours is left.
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    private static string RunIp(params string[] arguments)
    {
        string ip = IpLocations.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("iproute2's ip is not installed (looked in " + string.Join(", ", IpLocations) + ")");
        PluginOutput run;
        try
        {
            run = ProcessPluginExecutor.RunProgram(ip, arguments, InheritedEnvironment(), ReadOnlyMemory<byte>.Empty, TimeSpan.FromSeconds(60), CancellationToken.None);
        }
        catch (CniException e)
        {
            throw new InvalidOperationException($"'ip {string.Join(' ', arguments)}': {e.Message}", e);
        }

        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"'ip {string.Join(' ', arguments)}' exited with {run.ExitCode}: {run.Stderr.Trim()}");
        }

        return Encoding.UTF8.GetString(run.Stdout.Span);
    }

    private static Dictionary<string, string> InheritedEnvironment() => new(StringComparer.Ordinal)
    {
        ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin",
    };
}
