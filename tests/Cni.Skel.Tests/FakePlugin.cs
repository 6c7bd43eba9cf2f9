using System.Net;
using Cni.Spec;

namespace Cni.Skel.Tests;

/// <summary>A plugin that records what it was called with and does what the test tells it.</summary>
internal sealed class FakePlugin : ICniPlugin
{
    public PluginInfo Info { get; init; } = new("CNI fake plugin v0.0.1", CniVersion.All);

    public List<CniRequest> Calls { get; } = [];

    public Func<CniRequest, Exception?> Fail { get; init; } = _ => null;

    public bool OverrideStatusAndGc { get; init; } = true;

    public CniResult Add(AddRequest request)
    {
        Record(request);
        return new CniResult
        {
            Interfaces = { new CniInterface { Name = request.IfName, Mac = "0a:58:0a:01:00:05", Sandbox = request.NetNs, Mtu = 1500 } },
            Ips = { new IpConfig { Address = IPCidr.Parse("10.1.0.5/24"), Gateway = IPAddress.Parse("10.1.0.1"), Interface = 0 } },
            Routes = { new CniRoute { Destination = IPCidr.Parse("0.0.0.0/0"), Priority = 10 } },
        };
    }

    public void Delete(DeleteRequest request) => Record(request);

    public void Check(CheckRequest request) => Record(request);

    private void Record(CniRequest request)
    {
        Calls.Add(request);
        if (Fail(request) is Exception e)
        {
            throw e;
        }
    }
}

/// <summary>Implements only the required verbs: STATUS and GC come from the interface's defaults.</summary>
internal sealed class MinimalPlugin : ICniPlugin
{
    public PluginInfo Info { get; } = new("minimal", CniVersion.All);

    public CniResult Add(AddRequest request) => new();

    public void Delete(DeleteRequest request)
    {
    }

    public void Check(CheckRequest request)
    {
    }
}

/// <summary>Runs the dispatcher in memory.</summary>
internal sealed class Harness
{
    public Dictionary<string, string> Env { get; } = new()
    {
        ["CNI_COMMAND"] = "ADD",
        ["CNI_CONTAINERID"] = "ctr-1",
        ["CNI_NETNS"] = "/var/run/netns/does-not-exist",
        ["CNI_IFNAME"] = "eth0",
        ["CNI_PATH"] = "/opt/cni/bin",
    };

    public string Stdin { get; set; } = """{"cniVersion":"1.0.0","name":"testnet","type":"fake"}""";

    public int ExitCode { get; private set; }

    public string Stdout { get; private set; } = "";

    public string Stderr { get; private set; } = "";

    /// <summary>How delegation runs plugins; <see langword="null"/> is the default (child processes).</summary>
    public IPluginExecutor? Executor { get; set; }

    public Harness Run(ICniPlugin plugin)
    {
        using var stdout = new MemoryStream();
        using var stderr = new StringWriter();
        ExitCode = CniPlugin.Run(plugin, new CniInvocation(Env, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Stdin)), stdout, stderr, Executor));
        Stdout = System.Text.Encoding.UTF8.GetString(stdout.ToArray());
        Stderr = stderr.ToString();
        return this;
    }

    public CniError Error()
    {
        Assert.Equal(1, ExitCode);
        return CniError.Parse(System.Text.Encoding.UTF8.GetBytes(Stdout));
    }
}
