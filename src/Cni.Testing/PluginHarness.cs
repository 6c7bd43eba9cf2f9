using System.Text;
using Cni.Skel;
using Cni.Spec;

namespace Cni.Testing;

/// <summary>
/// Runs a plugin the way a runtime runs it, and returns what it did as a <see cref="PluginRun"/>: in this
/// process as an <see cref="ICniPlugin"/> object through the real dispatcher (so a test can step into it and
/// needs no published binary), or as a published executable in a child process.
/// </summary>
public static class PluginHarness
{
    /// <summary>The environment of a typical call: CNI_COMMAND, CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME and CNI_PATH.</summary>
    /// <param name="command">ADD, DEL, CHECK, VERSION, STATUS or GC.</param>
    /// <param name="netns">The pod's namespace path (<see cref="TestNamespace.Path"/>); <see langword="null"/> leaves CNI_NETNS out.</param>
    /// <param name="containerId">CNI_CONTAINERID.</param>
    /// <param name="ifName">CNI_IFNAME.</param>
    /// <param name="cniPath">CNI_PATH, where delegates are found; by default <c>/opt/cni/bin</c>, the conventional place.</param>
    /// <returns>A dictionary to change before the call; a value set to <see langword="null"/> removes the variable.</returns>
    public static Dictionary<string, string?> Environment(string command, string? netns, string containerId = "test-container", string ifName = "eth0", string cniPath = "/opt/cni/bin") => new(StringComparer.Ordinal)
    {
        ["CNI_COMMAND"] = command,
        ["CNI_CONTAINERID"] = containerId,
        ["CNI_NETNS"] = netns,
        ["CNI_IFNAME"] = ifName,
        ["CNI_PATH"] = cniPath,
    };

    /// <summary>
    /// Runs a plugin object in this process through <see cref="CniPlugin.Run(ICniPlugin, CniInvocation)"/> with the
    /// environment and stdin given, and returns what it printed as a process would have.
    /// </summary>
    /// <param name="plugin">The plugin.</param>
    /// <param name="environment">Its environment (variables set to <see langword="null"/> are left out; PATH is added).</param>
    /// <param name="stdin">The configuration.</param>
    /// <param name="inside">
    /// The namespace the plugin runs in, as if started there with <c>ip netns exec</c>: the call runs on a thread
    /// inside it. Give one to any plugin that changes "its own" namespace (a bridge does, on the node);
    /// <see langword="null"/> runs it on the calling thread, for plugins that touch no namespace of their own.
    /// </param>
    /// <param name="executor">How it delegates; <see langword="null"/> runs delegates as processes from CNI_PATH.</param>
    /// <returns>What the call did.</returns>
    public static PluginRun RunInProcess(ICniPlugin plugin, IReadOnlyDictionary<string, string?> environment, string stdin, TestNamespace? inside = null, IPluginExecutor? executor = null)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        ArgumentNullException.ThrowIfNull(stdin);
        Dictionary<string, string> env = Resolve(environment);
        PluginRun Call()
        {
            using var stdout = new MemoryStream();
            using var stderr = new StringWriter();
            int exit = CniPlugin.Run(plugin, new CniInvocation(env, new MemoryStream(Encoding.UTF8.GetBytes(stdin)), stdout, stderr, executor));
            return new PluginRun(exit, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
        }

        return inside is null ? Call() : inside.Run(Call);
    }

    /// <summary>Runs a published plugin as a child process with exactly the given environment (and PATH), as a runtime does.</summary>
    /// <param name="path">The executable.</param>
    /// <param name="environment">Its environment (variables set to <see langword="null"/> are left out; PATH is added).</param>
    /// <param name="stdin">The configuration.</param>
    /// <param name="inside">The namespace to start it in (a thread inside it spawns the child); <see langword="null"/> for the caller's.</param>
    /// <param name="timeout">How long it may run before it is killed (the call then fails with code 11); default one minute.</param>
    /// <returns>What the call did.</returns>
    /// <exception cref="CniException">The executable could not be started, or was killed at the timeout.</exception>
    public static PluginRun RunBinary(string path, IReadOnlyDictionary<string, string?> environment, string stdin, TestNamespace? inside = null, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(stdin);
        Dictionary<string, string> env = Resolve(environment);
        var executor = new ProcessPluginExecutor(timeout ?? TimeSpan.FromMinutes(1));
        PluginRun Call()
        {
            PluginOutput output = executor.Execute(path, env, Encoding.UTF8.GetBytes(stdin), TextWriter.Null, CancellationToken.None);
            return new PluginRun(output.ExitCode, Encoding.UTF8.GetString(output.Stdout.Span), output.Stderr);
        }

        return inside is null ? Call() : inside.Run(Call);
    }

    private static Dictionary<string, string> Resolve(IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin",
        };
        foreach ((string key, string? value) in environment)
        {
            if (value is null)
            {
                env.Remove(key);
            }
            else
            {
                env[key] = value;
            }
        }

        return env;
    }
}
