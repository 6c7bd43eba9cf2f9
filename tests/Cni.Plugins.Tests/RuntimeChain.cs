using System.Text;
using Cni.Runtime;
using Cni.Spec;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// Runs network lists through <see cref="CniRuntime"/> (Cni.Runtime) as a container runtime does, with the
/// plugins started inside a test node namespace: each plugin type is a small wrapper in a private
/// directory (<c>exec ip netns exec &lt;node&gt; &lt;binary&gt;</c>), so the runtime finds, validates (VERSION)
/// and executes them, and a delegating plugin (bridge -> host-local) finds its delegate there too. The
/// result cache lives in the node's scratch directory. Nothing runs in the machine's own namespace.
/// </summary>
internal sealed class RuntimeChain
{
    private readonly string _bin;

    /// <param name="node">The namespace the plugins run in.</param>
    /// <param name="root">A scratch directory of the test (wrappers and cache are made under it).</param>
    /// <param name="binaries">The binary for each plugin type of the lists to run.</param>
    public RuntimeChain(TestNamespace node, string root, IReadOnlyDictionary<string, string> binaries)
    {
        _bin = Path.Combine(root, "runtime-bin");
        Directory.CreateDirectory(_bin);
        foreach ((string type, string binary) in binaries)
        {
            string wrapper = Path.Combine(_bin, type);
            File.WriteAllText(wrapper, $"#!/bin/sh\nexec ip netns exec {node.Name} {binary} \"$@\"\n");
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        Log = new StringWriter();
        Runtime = new CniRuntime(new CniRuntimeOptions
        {
            PluginDirectories = [_bin],
            CacheDirectory = Path.Combine(root, "runtime-cache"),
            Log = TextWriter.Synchronized(Log),
        });
    }

    public CniRuntime Runtime { get; }

    /// <summary>What the plugins wrote on standard error.</summary>
    public StringWriter Log { get; }

    /// <summary>A network list from its JSON (a <c>.conflist</c>'s content).</summary>
    public static CniNetwork List(string json) => CniNetwork.Parse(Encoding.UTF8.GetBytes(json));

    public static AttachmentParameters Pod(TestNamespace pod, string containerId = "ctr1", string ifName = "eth0") =>
        new() { ContainerId = containerId, NetNs = pod.Path, IfName = ifName };

    public CniResult Add(CniNetwork list, AttachmentParameters pod) =>
        Runtime.AddNetworkListAsync(list, pod).GetAwaiter().GetResult();

    /// <summary>CHECK of the list; null when it passed, else the error (naming the plugin that failed).</summary>
    public CniException? Check(CniNetwork list, AttachmentParameters pod)
    {
        try
        {
            Runtime.CheckNetworkListAsync(list, pod).GetAwaiter().GetResult();
            return null;
        }
        catch (CniException e)
        {
            return e;
        }
    }

    public void Delete(CniNetwork list, AttachmentParameters pod) =>
        Runtime.DeleteNetworkListAsync(list, pod).GetAwaiter().GetResult();
}
