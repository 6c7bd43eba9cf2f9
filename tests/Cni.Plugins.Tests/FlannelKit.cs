using Cni.Plugins.Flannel;
using Cni.Skel;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// A private directory for flannel tests: a subnet.env as flanneld would write it, flannel's dataDir, and
/// runs of the plugin in-process (with a fake or real delegation executor) or as the published binary.
/// </summary>
internal sealed class FlannelKit : IDisposable
{
    public const string DefaultEnv = "FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n";

    public FlannelKit(string subnetEnv = DefaultEnv)
    {
        Root = Directory.CreateTempSubdirectory("cnitest-flannel-").FullName;
        SubnetFile = Path.Combine(Root, "subnet.env");
        DataDir = Path.Combine(Root, "data");
        if (subnetEnv.Length > 0)
        {
            File.WriteAllText(SubnetFile, subnetEnv);
        }
    }

    public string Root { get; }

    public string SubnetFile { get; }

    public string DataDir { get; }

    public string Saved(string containerId = "ctr1") => Path.Combine(DataDir, containerId);

    /// <summary>A flannel configuration using this kit's files; <paramref name="extra"/> are more top-level members.</summary>
    public string Config(string version = "1.0.0", string? extra = null, string name = "cbr0") =>
        $"{{\"cniVersion\":\"{version}\",\"name\":\"{name}\",\"type\":\"flannel\",\"subnetFile\":\"{SubnetFile}\",\"dataDir\":\"{DataDir}\"{(extra is null ? "" : "," + extra)}}}";

    public static ProcessResult Run(string command, string config, IPluginExecutor executor, string containerId = "ctr1", string? netns = "/var/run/netns/fake") =>
        PluginHarness.RunInProcess(new FlannelPlugin(), PluginRunner.Env(command, netns, containerId, cniPath: "/fake"), config, executor: executor).AsProcessResult();

    /// <summary>A successful 1.0.0 result as a bridge would print it.</summary>
    public const string BridgeResult =
        "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"cni0\"},{\"name\":\"eth0\",\"sandbox\":\"/var/run/netns/fake\"}],\"ips\":[{\"address\":\"10.244.1.2/24\",\"gateway\":\"10.244.1.1\",\"interface\":1}],\"routes\":[{\"dst\":\"10.244.0.0/16\",\"gw\":\"10.244.1.1\"}]}";

    public static FakePluginExecutor Fake(Func<FakeExecution, PluginOutput>? respond = null) => new()
    {
        Respond = respond ?? (call => FakePluginExecutor.Success(call.Command == "ADD" ? BridgeResult : "")),
    };

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
