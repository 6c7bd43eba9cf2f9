using System.Reflection;
using System.Text.RegularExpressions;
using Cni.Plugins.Bridge;
using Cni.Plugins.Flannel;
using Cni.Plugins.HostLocal;
using Cni.Plugins.Loopback;
using Cni.Skel;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// The multi-call binary (artifacts/cni-multi: cni-plugins and its links): each link is the plugin it
/// is named after; a delegation to a plugin that is this same binary runs in-process and gives the same
/// stdout, exit code and files as executing the standalone binaries; any other file on CNI_PATH is executed.
/// </summary>
public sealed partial class MultiCallTests
{
    public static TheoryData<string> Names => new("bridge", "host-local", "loopback", "flannel");

    /// <summary>The multi-call directory's entry (the binary or a link to it), built from the current sources.</summary>
    internal static string Multi(string name)
    {
        string dir = Path.Combine(RepoPaths.Root, "artifacts", "cni-multi");
        string binary = Path.Combine(dir, "cni-plugins");
        string path = Path.Combine(dir, name);
        if (!File.Exists(binary) || !File.Exists(path))
        {
            Requires.Unavailable($"the multi-call binary or its link {path} is missing: run eng/publish.sh (eng/test.sh does)");
        }

        StaleBinaries.Refuse(binary, RepoPaths.ProjectOf("cni-plugins"));
        return path;
    }

    private static Dictionary<string, string?> NoCommand() => new() { ["CNI_COMMAND"] = null };

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_link_answers_version_and_about_like_the_standalone_binary(string name)
    {
        string link = Multi(name);
        Assert.Equal("cni-plugins", new FileInfo(link).LinkTarget);
        string standalone = RepoPaths.OurPlugin(name);
        var version = new Dictionary<string, string?> { ["CNI_COMMAND"] = "VERSION" };
        foreach (string stdin in new[] { """{"cniVersion":"0.4.0"}""", "" })
        {
            ProcessResult ours = Processes.Run(link, version, stdin);
            ProcessResult alone = Processes.Run(standalone, version, stdin);
            Assert.True(ours.ExitCode == 0, ours.ToString());
            Assert.Equal(alone, ours);
        }

        ProcessResult about = Processes.Run(link, NoCommand());
        Assert.Equal(0, about.ExitCode);
        Assert.Equal("", about.Stdout);
        Assert.Equal(Processes.Run(standalone, NoCommand()).Stderr, about.Stderr);
        Assert.Matches($@"^CNI {name} plugin \(Cni\.Libraries \d+\.\d+\.\d+\+[0-9a-f]{{40}}\)\nCNI protocol versions supported: 0\.1\.0, .*1\.1\.0\n$", about.Stderr);
    }

    [Fact]
    public void About_text_names_the_version_and_the_commit_built_from()
    {
        ProcessResult git = Processes.Run("git", new Dictionary<string, string?>(), args: ["-C", RepoPaths.Root, "rev-parse", "HEAD"]);
        if (git.ExitCode != 0)
        {
            Requires.Unavailable("not a git checkout: " + git.Stderr);
        }

        string commit = git.Stdout.Trim();
        string version = typeof(MultiCallTests).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
        Assert.Matches(@"^\d+\.\d+\.\d+", version);
        ICniPlugin[] plugins = [new BridgePlugin(), new HostLocalPlugin(), new LoopbackPlugin(), new FlannelPlugin()];
        string[] expected = [.. new[] { "bridge", "host-local", "loopback", "flannel" }.Select(n => $"CNI {n} plugin (Cni.Libraries {version}+{commit})")];
        string[] actual = [.. plugins.Select(p => p.Info.About)];
        Assert.True(
            expected.SequenceEqual(actual),
            $"about texts [{string.Join("; ", actual)}], expected the version {version} and HEAD {commit}: a build older than HEAD (rebuild), or the text is wrong");
    }

    [Theory]
    [InlineData("cni-plugins")]
    [InlineData("portmap")]
    public void Under_a_name_it_does_not_hold_it_prints_the_build_its_plugins_and_versions_and_exits_0(string name)
    {
        string dir = Directory.CreateTempSubdirectory("cnitest-multi-").FullName;
        try
        {
            string program = Path.Combine(dir, name);
            File.CreateSymbolicLink(program, Path.GetFullPath(Multi("cni-plugins")));
            ProcessResult r = Processes.Run(program, new Dictionary<string, string?> { ["CNI_COMMAND"] = "ADD" }, "{}");
            Assert.Equal(0, r.ExitCode);
            Assert.Equal("", r.Stdout);
            Assert.Matches(
                @"^CNI plugins, multi-call \(Cni\.Libraries \d+\.\d+\.\d+\+[0-9a-f]{40}\)\nplugins: bridge, flannel, host-local, loopback \(.*\)\nCNI protocol versions supported: 0\.1\.0, 0\.2\.0, 0\.3\.0, 0\.3\.1, 0\.4\.0, 1\.0\.0, 1\.1\.0\n$",
                r.Stderr);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_plugins_name_may_be_its_first_argument()
    {
        var env = new Dictionary<string, string?> { ["CNI_COMMAND"] = "VERSION" };
        ProcessResult byArgument = Processes.Run(Multi("cni-plugins"), env, """{"cniVersion":"1.0.0"}""", ["host-local"]);
        Assert.Equal(Processes.Run(Multi("host-local"), env, """{"cniVersion":"1.0.0"}"""), byArgument);
        Assert.Contains("CNI bridge plugin", Processes.Run(Multi("cni-plugins"), NoCommand(), args: ["bridge"]).Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.3.1")]
    [InlineData("1.0.0")]
    public void In_process_delegation_gives_what_executing_the_standalone_binaries_gives(string version)
    {
        Requires.Root();
        string strace = StraceOrSkip();
        // Side by side: the standalone bridge executing the standalone host-local, and the multi-call bridge
        // whose CNI_PATH host-local is the multi-call binary itself (so it runs in-process).
        using var alone = new BridgeNode("sa", RepoPaths.OurPlugin("host-local"));
        using var multi = new BridgeNode("mc", Path.GetFullPath(Multi("cni-plugins")));
        TestNamespace podAlone = alone.Pod(), podMulti = multi.Pod();
        string cfgAlone = alone.Config(version, "\"isGateway\":true"), cfgMulti = multi.Config(version, "\"isGateway\":true");
        string bridgeAlone = RepoPaths.OurPlugin("bridge"), bridgeMulti = Path.GetFullPath(Multi("bridge"));

        (ProcessResult a1, int e1) = Traced(strace, alone, bridgeAlone, "ADD", podAlone.Path, cfgAlone);
        (ProcessResult a2, int e2) = Traced(strace, multi, bridgeMulti, "ADD", podMulti.Path, cfgMulti);
        Assert.True(a1.ExitCode == 0, a1.ToString());
        Assert.True(a2.ExitCode == 0, a2.ToString());
        Assert.Equal(1, e1);
        Assert.Equal(0, e2);
        Assert.Equal(BridgeNode.Comparable(a1.Stdout, version), BridgeNode.Comparable(a2.Stdout, version));
        Assert.Equal(a1.Stderr, a2.Stderr);
        Assert.Equal(LeaseFiles(alone), LeaseFiles(multi));
        Assert.Equal(BridgeNode.Addresses(podAlone, "eth0"), BridgeNode.Addresses(podMulti, "eth0"));

        if (version == "1.0.0")
        {
            (ProcessResult c1, e1) = Traced(strace, alone, bridgeAlone, "CHECK", podAlone.Path, BridgeNode.WithPrevResult(cfgAlone, a1.Stdout));
            (ProcessResult c2, e2) = Traced(strace, multi, bridgeMulti, "CHECK", podMulti.Path, BridgeNode.WithPrevResult(cfgMulti, a2.Stdout));
            Assert.Equal((0, 1, 0), (c1.ExitCode, e1, e2));
            Assert.Equal(c1, c2);
        }

        // A second ADD of the same container: the IPAM refuses it; the error object and exit code are the same.
        (ProcessResult f1, _) = Traced(strace, alone, bridgeAlone, "ADD", podAlone.Path, cfgAlone);
        (ProcessResult f2, _) = Traced(strace, multi, bridgeMulti, "ADD", podMulti.Path, cfgMulti);
        Assert.NotEqual(0, f1.ExitCode);
        Assert.Equal(f1.ExitCode, f2.ExitCode);
        Assert.Equal(f1.Stdout, f2.Stdout);

        (ProcessResult d1, e1) = Traced(strace, alone, bridgeAlone, "DEL", podAlone.Path, cfgAlone);
        (ProcessResult d2, e2) = Traced(strace, multi, bridgeMulti, "DEL", podMulti.Path, cfgMulti);
        Assert.Equal((0, 1), (d1.ExitCode, e1));
        Assert.Equal((0, 0), (d2.ExitCode, e2));
        Assert.Equal(d1, d2);
        Assert.Equal(LeaseFiles(alone), LeaseFiles(multi));
        Assert.Empty(multi.Leases());
    }

    [Fact]
    public void An_ipam_error_in_process_is_the_same_error_object_and_exit_code()
    {
        Requires.Root();
        using var alone = new BridgeNode("sae", RepoPaths.OurPlugin("host-local"));
        using var multi = new BridgeNode("mce", Path.GetFullPath(Multi("cni-plugins")));
        const string ranges = "[[{\"subnet\":\"10.77.0.0/24\",\"rangeStart\":\"10.78.0.5\"}]]";
        ProcessResult r1 = alone.Run(RepoPaths.OurPlugin("bridge"), "ADD", alone.Pod().Path, alone.Config("1.0.0", "\"isGateway\":true", ranges));
        ProcessResult r2 = multi.Run(Path.GetFullPath(Multi("bridge")), "ADD", multi.Pod().Path, multi.Config("1.0.0", "\"isGateway\":true", ranges));
        Assert.NotEqual(0, r1.ExitCode);
        Assert.Contains("10.78.0.5", r1.Stdout, StringComparison.Ordinal);
        Assert.Equal(r1, r2);
    }

    [Fact]
    public void A_different_file_on_cni_path_is_executed_not_short_circuited()
    {
        Requires.Root();
        string go = Requires.ReferencePlugin("host-local");
        string dir = Directory.CreateTempSubdirectory("cnitest-wrapper-").FullName;
        try
        {
            // A user's wrapper named host-local: logs, then runs the Go binary.
            string log = Path.Combine(dir, "calls.log");
            string wrapper = Path.Combine(dir, "host-local");
            File.WriteAllText(wrapper, $"#!/bin/sh\necho \"$CNI_COMMAND $CNI_CONTAINERID\" >>{log}\nexec {go}\n");
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            using var node = new BridgeNode("wr", wrapper);
            TestNamespace pod = node.Pod();
            string bridge = Path.GetFullPath(Multi("bridge"));
            ProcessResult add = node.Run(bridge, "ADD", pod.Path, node.Config());
            Assert.True(add.ExitCode == 0, add.ToString());
            Assert.Equal(["10.77.0.2"], node.Leases());
            ProcessResult del = node.Run(bridge, "DEL", pod.Path, node.Config());
            Assert.True(del.ExitCode == 0, del.ToString());
            Assert.Equal(["ADD ctr1", "DEL ctr1"], File.ReadAllLines(log));
            Assert.Empty(node.Leases());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Flannel_bridge_and_host_local_all_in_process_match_the_standalone_chain()
    {
        Requires.Root();
        string strace = StraceOrSkip();
        using var alone = new BridgeNode("fsa", RepoPaths.OurPlugin("host-local"));
        using var multi = new BridgeNode("fmc", Path.GetFullPath(Multi("cni-plugins")));
        File.CreateSymbolicLink(Path.Combine(alone.PluginPath, "bridge"), RepoPaths.OurPlugin("bridge"));
        File.CreateSymbolicLink(Path.Combine(multi.PluginPath, "bridge"), Path.GetFullPath(Multi("cni-plugins")));
        using var kitAlone = new FlannelKit();
        using var kitMulti = new FlannelKit();
        TestNamespace podAlone = alone.Pod(), podMulti = multi.Pod();
        string cfgAlone = kitAlone.Config("1.0.0", $"\"ipam\":{{\"dataDir\":\"{alone.DataDir}\"}}");
        string cfgMulti = kitMulti.Config("1.0.0", $"\"ipam\":{{\"dataDir\":\"{multi.DataDir}\"}}");
        string flannelAlone = RepoPaths.OurPlugin("flannel"), flannelMulti = Path.GetFullPath(Multi("flannel"));

        foreach (string verb in new[] { "ADD", "DEL" })
        {
            (ProcessResult r1, string[] p1) = Executed(strace, alone, flannelAlone, verb, podAlone.Path, cfgAlone);
            (ProcessResult r2, string[] p2) = Executed(strace, multi, flannelMulti, verb, podMulti.Path, cfgMulti);
            Assert.True(r1.ExitCode == 0, r1.ToString());
            Assert.True(r2.ExitCode == 0, r2.ToString());
            Assert.Equal(["ip", "flannel", "bridge", "host-local"], p1.Where(p => p is not ("iptables" or "nft" or "iptables-nft" or "xtables-nft-multi")));
            Assert.Equal(["ip", "flannel"], p2.Where(p => p is not ("iptables" or "nft" or "iptables-nft" or "xtables-nft-multi")));
            Assert.Equal(r1.Stdout.Length == 0 ? "" : BridgeNode.Comparable(r1.Stdout, "1.0.0"), r2.Stdout.Length == 0 ? "" : BridgeNode.Comparable(r2.Stdout, "1.0.0"));
            Assert.Equal(
                r1.Stderr.Replace(alone.Root, "<node>", StringComparison.Ordinal).Replace(kitAlone.Root, "<kit>", StringComparison.Ordinal),
                r2.Stderr.Replace(multi.Root, "<node>", StringComparison.Ordinal).Replace(kitMulti.Root, "<kit>", StringComparison.Ordinal));
            Assert.Equal(
                File.Exists(kitAlone.Saved()) ? File.ReadAllText(kitAlone.Saved()).Replace(alone.DataDir, "<data>", StringComparison.Ordinal) : null,
                File.Exists(kitMulti.Saved()) ? File.ReadAllText(kitMulti.Saved()).Replace(multi.DataDir, "<data>", StringComparison.Ordinal) : null);
            Assert.Equal(
                alone.Leases("cbr0").Select(f => f + "=" + File.ReadAllText(Path.Combine(alone.DataDir, "cbr0", f))),
                multi.Leases("cbr0").Select(f => f + "=" + File.ReadAllText(Path.Combine(multi.DataDir, "cbr0", f))));
            Assert.Equal(
                BridgeNode.LinkNames(alone.Node).Select(n => n.StartsWith("veth", StringComparison.Ordinal) ? "veth" : n),
                BridgeNode.LinkNames(multi.Node).Select(n => n.StartsWith("veth", StringComparison.Ordinal) ? "veth" : n));
        }

        Assert.Empty(multi.Leases("cbr0"));
    }

    private static string StraceOrSkip()
    {
        const string strace = "/usr/bin/strace";
        if (!File.Exists(strace))
        {
            Requires.Unavailable("strace is needed to see which programs a delegation executes");
        }

        return strace;
    }

    /// <summary>Runs the plugin in the node under strace and counts the execve calls of a host-local.</summary>
    private static (ProcessResult Result, int HostLocalExecs) Traced(string strace, BridgeNode node, string plugin, string command, string netns, string config)
    {
        (ProcessResult r, string[] programs) = Executed(strace, node, plugin, command, netns, config);
        return (r, programs.Count(p => p == "host-local"));
    }

    /// <summary>Runs the plugin in the node under strace: what it printed, and the name of every program executed (ip's included).</summary>
    private static (ProcessResult Result, string[] Programs) Executed(string strace, BridgeNode node, string plugin, string command, string netns, string config)
    {
        string trace = Path.Combine(node.Root, "trace-" + Guid.NewGuid().ToString("N"));
        Dictionary<string, string?> env = PluginRunner.Env(command, netns, cniPath: node.PluginPath);
        ProcessResult r = Processes.Run(strace, env, config, ["-f", "-qq", "-e", "trace=execve", "-o", trace, "ip", "netns", "exec", node.Node.Name, plugin]);
        string[] programs = [.. File.ReadAllLines(trace).Select(l => ExecPath().Match(l)).Where(m => m.Success).Select(m => Path.GetFileName(m.Groups[1].Value))];
        File.Delete(trace);
        return (r, programs);
    }

    /// <summary>Every lease file's name and content, in order (the lock and last-reserved files aside).</summary>
    private static string[] LeaseFiles(BridgeNode node) =>
        [.. node.Leases().Select(f => f + "=" + File.ReadAllText(Path.Combine(node.DataDir, "brtest", f)))];

    [GeneratedRegex("execve\\(\"([^\"]*)\", .*= 0$")]
    private static partial Regex ExecPath();
}
