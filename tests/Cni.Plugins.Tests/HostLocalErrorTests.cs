using Cni.Tests;
using static Cni.Plugins.Tests.HostLocalKit;

namespace Cni.Plugins.Tests;

/// <summary>
/// Bad input through our host-local and the reference, side by side: the same exit code, the codes listed
/// here (where ours differs it says why), the same message unless marked, and nothing left on disk that the
/// reference would not leave.
/// </summary>
public class HostLocalErrorTests
{
    /// <summary>One bad input. <paramref name="SameMessage"/> is false where the dispatcher words it (its own checks are shared by every plugin).</summary>
    private sealed record Case(string Config, int GoCode, int OurCode, bool SameMessage = true, string? CniArgs = null, string ContainerId = "ctr1", string IfName = "eth0", string? Why = null);

    private const string Ok = "\"ranges\":[[{\"subnet\":\"10.30.0.0/24\"}]]";

    private static string Cfg(string ipam, string version = "1.0.0", string extra = "", string name = NetName) => Config(version, "DATADIR", ipam, extra, name);

    // Configuration errors: the reference reports them as 999 (it has no typed error); ours use 7, the
    // specification's "invalid network config", with the same text.
    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["bad JSON"] = new("{\"cniVersion\":\"1.0.0\",\"name\":", 6, 6, SameMessage: false, Why: "the dispatcher's decode message"),
        ["missing ipam"] = new("""{"cniVersion":"1.0.0","name":"hlnet","type":"host-local"}""", 999, 7),
        ["no ranges"] = new(Cfg(""), 999, 7),
        ["empty ranges"] = new(Cfg("\"ranges\":[]"), 999, 7),
        ["empty range set"] = new(Cfg("\"ranges\":[[]]"), 999, 7),
        ["range without subnet"] = new(Cfg("\"ranges\":[[{}]]"), 999, 7),
        ["bad subnet"] = new(Cfg("\"ranges\":[[{\"subnet\":\"bad\"}]]"), 999, 7),
        ["host bits"] = new(Cfg("\"ranges\":[[{\"subnet\":\"10.30.0.1/24\"}]]"), 999, 7),
        ["slash 32"] = new(Cfg("\"ranges\":[[{\"subnet\":\"10.30.0.0/32\"}]]"), 999, 7),
        ["slash 31"] = new(Cfg("\"ranges\":[[{\"subnet\":\"10.30.0.0/31\"}]]"), 999, 7),
        ["slash 127"] = new(Cfg("\"ranges\":[[{\"subnet\":\"fd00::/127\"}]]"), 999, 7),
        ["rangeStart outside"] = new(Cfg("\"ranges\":[[{\"subnet\":\"10.30.0.0/24\",\"rangeStart\":\"10.31.0.1\"}]]"), 999, 7),
        ["rangeEnd outside"] = new(Cfg("\"ranges\":[[{\"subnet\":\"10.30.0.0/24\",\"rangeEnd\":\"10.31.0.1\"}]]"), 999, 7),
        ["bad rangeStart"] = new(Cfg("\"ranges\":[[{\"subnet\":\"10.30.0.0/24\",\"rangeStart\":\"bogus\"}]]"), 999, 7),
        ["bad gateway"] = new(Cfg("\"ranges\":[[{\"subnet\":\"10.30.0.0/24\",\"gateway\":\"10.30.0.300\"}]]"), 999, 7),
        ["overlapping sets"] = new(Cfg("\"ranges\":[[{\"subnet\":\"10.30.0.0/24\"}],[{\"subnet\":\"10.30.0.0/25\"}]]"), 999, 7),
        ["overlap within a set"] = new(Cfg("\"ranges\":[[{\"subnet\":\"10.30.0.0/24\"},{\"subnet\":\"10.30.0.0/25\"}]]"), 999, 7),
        ["mixed families in a set"] = new(Cfg("\"ranges\":[[{\"subnet\":\"10.30.0.0/24\"},{\"subnet\":\"fd00::/64\"}]]"), 999, 7),
        ["two v4 sets in 0.2.0"] = new(Cfg("\"ranges\":[[{\"subnet\":\"10.30.0.0/24\"}],[{\"subnet\":\"10.31.0.0/24\"}]]", "0.2.0"), 999, 7),
        ["bad route"] = new(Cfg(Ok + ",\"routes\":[{\"dst\":\"bogus\"}]"), 999, 7),
        ["bad requested IP"] = new(Cfg(Ok, extra: ",\"runtimeConfig\":{\"ips\":[\"bogus\"]}"), 999, 7),
        ["bad CNI_ARGS IP"] = new(Cfg(Ok), 999, 7, CniArgs: "IP=10.30.0.999"),
        ["unknown CNI_ARGS key"] = new(Cfg(Ok), 999, 7, CniArgs: "FOO=bar;BAZ=1"),
        ["missing resolvConf"] = new(Cfg(Ok + ",\"resolvConf\":\"/nonexistent/resolv.conf\""), 999, 5, Why: "an I/O failure is code 5"),
        ["ranges not an array"] = new(Cfg("\"ranges\":\"x\""), 999, 6, SameMessage: false, Why: "a key of the wrong type is a decoding failure, code 6"),
        ["empty CNI_IFNAME"] = new(Cfg(Ok), 4, 4, IfName: ""),
        ["empty CNI_CONTAINERID"] = new(Cfg(Ok), 4, 4, ContainerId: ""),
        ["containerID with a slash"] = new(Cfg(Ok), 4, 4, SameMessage: false, ContainerId: "../../etc", Why: "the dispatcher's wording"),
        ["network name with a slash"] = new(Cfg(Ok, name: "../../etc"), 7, 7, SameMessage: false, Why: "the dispatcher's wording"),
        ["requested IP outside"] = new(Cfg(Ok), 999, 999, CniArgs: "IP=10.99.0.1"),
        ["requested gateway"] = new(Cfg(Ok), 999, 999, CniArgs: "IP=10.30.0.1"),
        ["rangeEnd before rangeStart"] = new(Cfg("\"ranges\":[[{\"subnet\":\"10.30.0.0/24\",\"rangeStart\":\"10.30.0.10\",\"rangeEnd\":\"10.30.0.9\"}]]"), 999, 7, SameMessage: false,
            Why: "the reference calls it \"RangeStart 10.30.0.10 not in network\"; ours names the real fault, an end before the start"),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Bad_input_fails_as_the_reference_does(string name)
    {
        Requires.Root();
        Case c = Cases[name];
        using var goDir = new HostLocalDataDir("go-err");
        using var ourDir = new HostLocalDataDir("ours-err");
        ProcessResult go = Run(Go, "ADD", c.Config.Replace("DATADIR", goDir.Path, StringComparison.Ordinal), c.ContainerId, c.IfName, c.CniArgs);
        ProcessResult ours = Run(Ours, "ADD", c.Config.Replace("DATADIR", ourDir.Path, StringComparison.Ordinal), c.ContainerId, c.IfName, c.CniArgs);
        (int goExit, int goCode, string goMsg) = ErrorOf(go);
        (int ourExit, int ourCode, string ourMsg) = ErrorOf(ours);
        string where = $"{name}\ngo: {go}\nours: {ours}";
        Assert.True(goExit == ourExit, "exit codes differ: " + where);
        Assert.True(goCode == c.GoCode, "the reference's code changed: " + where);
        Assert.True(ourCode == c.OurCode, "our code: " + where);
        if (c.SameMessage)
        {
            Assert.True(goMsg == ourMsg, "messages differ: " + where);
        }

        // Nothing is left that the reference would not leave (it creates the network directory and its lock
        // once the configuration is valid; no lease either way).
        Assert.Equal(Snapshot(goDir.Network()), Snapshot(ourDir.Network()));
        Assert.Empty(Directory.Exists(ourDir.Network()) ? Leases(ourDir.Network()) : []);
    }

    [Fact]
    public void Exhaustion_says_which_range_set()
    {
        Requires.Root();
        using var goDir = new HostLocalDataDir("go-ex");
        using var ourDir = new HostLocalDataDir("ours-ex");
        string ipam = "\"ranges\":[[{\"subnet\":\"10.32.0.0/24\",\"rangeStart\":\"10.32.0.10\",\"rangeEnd\":\"10.32.0.11\"},{\"subnet\":\"10.33.0.0/30\"}]]";
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(0, Run(Go, "ADD", Config("1.0.0", goDir.Path, ipam), "x" + i).ExitCode);
            Assert.Equal(0, Run(Ours, "ADD", Config("1.0.0", ourDir.Path, ipam), "x" + i).ExitCode);
        }

        ProcessResult go = Run(Go, "ADD", Config("1.0.0", goDir.Path, ipam), "x9");
        ProcessResult ours = Run(Ours, "ADD", Config("1.0.0", ourDir.Path, ipam), "x9");
        Assert.Equal((1, 999, "failed to allocate for range 0: no IP addresses available in range set: 10.32.0.10-10.32.0.11,10.33.0.1-10.33.0.2"), ErrorOf(ours));
        Assert.Equal(ErrorOf(go), ErrorOf(ours));
    }

    [Theory]
    [InlineData("../../etc")]
    [InlineData("a/b")]
    [InlineData("..")]
    public void A_container_id_that_could_leave_the_data_directory_touches_nothing(string containerId)
    {
        Requires.Root();
        using var dir = new HostLocalDataDir("cid");
        foreach (string command in new[] { "ADD", "DEL", "CHECK" })
        {
            ProcessResult r = Run(Ours, command, Config("1.0.0", dir.Path, Ok), containerId);
            Assert.Equal(4, ErrorOf(r).Code);
        }

        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("..")]
    [InlineData("a/../../b")]
    [InlineData(".hidden")]
    public void A_network_name_that_could_leave_the_data_directory_touches_nothing(string name)
    {
        Requires.Root();
        using var dir = new HostLocalDataDir("name");
        foreach (string command in new[] { "ADD", "DEL", "CHECK" })
        {
            ProcessResult r = Run(Ours, command, Config("1.0.0", dir.Path, Ok, name: name));
            Assert.Equal(7, ErrorOf(r).Code);
        }

        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void A_data_directory_with_dotdot_is_refused_where_the_reference_follows_it()
    {
        Requires.Root();
        // Intentional difference: the reference creates <dataDir>/<name> wherever ".." leads; ours refuses (7).
        using var dir = new HostLocalDataDir("dotdot");
        string sneaky = Path.Combine(dir.Path, "inner", "..", "..", Path.GetFileName(dir.Path) + "-escaped");
        try
        {
            foreach (string command in new[] { "ADD", "DEL", "CHECK" })
            {
                ProcessResult r = Run(Ours, command, Config("1.0.0", sneaky, Ok));
                Assert.Equal(7, ErrorOf(r).Code);
            }

            Assert.False(Directory.Exists(dir.Path + "-escaped"));
            Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
        }
        finally
        {
            if (Directory.Exists(dir.Path + "-escaped"))
            {
                Directory.Delete(dir.Path + "-escaped", recursive: true);
            }
        }
    }

    [Fact]
    public void Cni_args_IP_is_ignored_when_the_args_convention_requests_addresses()
    {
        Requires.Root();
        // Intentional difference (CONVENTIONS.md: a plugin that understands args.cni.ips ignores CNI_ARGS IP).
        // The reference merges both; two requests for one range set then fail, naming one at random.
        using var goDir = new HostLocalDataDir("conv-go");
        using var ourDir = new HostLocalDataDir("conv-ours");
        const string Extra = ",\"args\":{\"cni\":{\"ips\":[\"10.30.0.71\"]}}";
        ProcessResult go = Run(Go, "ADD", Config("1.0.0", goDir.Path, Ok, Extra), cniArgs: "IP=10.30.0.70");
        ProcessResult ours = Run(Ours, "ADD", Config("1.0.0", ourDir.Path, Ok, Extra), cniArgs: "IP=10.30.0.70");
        Assert.StartsWith("failed to allocate all requested IPs: 10.30.0.7", ErrorOf(go).Msg, StringComparison.Ordinal);
        Assert.Equal(["10.30.0.71/24"], Addresses(ours, "1.0.0"));
        Assert.Equal(["10.30.0.71"], Leases(ourDir.Network()).Keys);

        // Without the convention, CNI_ARGS IP is used, by both.
        ProcessResult go2 = Run(Go, "ADD", Config("1.0.0", goDir.Path, Ok), "ctr2", cniArgs: "IgnoreUnknown=1;K8S_POD_NAME=p;IP=10.30.0.70");
        ProcessResult ours2 = Run(Ours, "ADD", Config("1.0.0", ourDir.Path, Ok), "ctr2", cniArgs: "IgnoreUnknown=1;K8S_POD_NAME=p;IP=10.30.0.70");
        Assert.Equal(go2.Stdout, ours2.Stdout);
        Assert.Equal(["10.30.0.70/24"], Addresses(ours2, "1.0.0"));
    }
}
