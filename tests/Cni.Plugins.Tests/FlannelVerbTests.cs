using System.Text;
using Cni.Spec;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// flannel's verbs in-process with a fake delegate: what the delegate is sent, the order of saving and
/// removing the file, DEL's fallback for an unusable saved file, GC, STATUS, CHECK, and bad input.
/// </summary>
public class FlannelVerbTests
{
    [Fact]
    public void A_failed_delegate_ADD_leaves_no_saved_file_and_keeps_the_delegates_code()
    {
        using var kit = new FlannelKit();
        FakePluginExecutor fake = FlannelKit.Fake(_ => FakePluginExecutor.Failure(CniErrorCode.TryAgainLater, "bridge is busy"));
        CniError e = PluginRunner.Error(FlannelKit.Run("ADD", kit.Config(), fake));
        Assert.Equal((CniErrorCode)11, e.Code);
        Assert.Equal("bridge is busy", e.Message);
        Assert.False(File.Exists(kit.Saved()));
        Assert.Empty(Directory.GetFiles(kit.DataDir));
    }

    [Fact]
    public void DEL_replays_the_saved_bytes_and_removes_the_file_only_after_the_delegate_succeeded()
    {
        using var kit = new FlannelKit();
        Assert.Equal(0, FlannelKit.Run("ADD", kit.Config(), FlannelKit.Fake()).ExitCode);
        byte[] saved = File.ReadAllBytes(kit.Saved());

        bool existedDuringDelegateDel = false;
        FakePluginExecutor failing = FlannelKit.Fake(call =>
        {
            existedDuringDelegateDel = File.Exists(kit.Saved());
            return FakePluginExecutor.Failure(CniErrorCode.Internal, "cannot delete now");
        });
        Assert.Equal("cannot delete now", PluginRunner.Error(FlannelKit.Run("DEL", kit.Config(), failing)).Message);
        Assert.True(existedDuringDelegateDel);
        Assert.Equal(saved, File.ReadAllBytes(kit.Saved()));

        FakePluginExecutor ok = FlannelKit.Fake();
        Assert.Equal(0, FlannelKit.Run("DEL", kit.Config(), ok).ExitCode);
        FakeExecution call = Assert.Single(ok.Calls);
        Assert.Equal(("DEL", "/fake/bridge"), (call.Command, call.Path));
        Assert.Equal(saved, call.Stdin);
        Assert.False(File.Exists(kit.Saved()));

        FakePluginExecutor again = FlannelKit.Fake();
        Assert.Equal(0, FlannelKit.Run("DEL", kit.Config(), again).ExitCode);
        Assert.Empty(again.Calls);
    }

    [Fact]
    public void DEL_without_a_saved_file_or_subnet_env_succeeds_without_delegating()
    {
        using var kit = new FlannelKit(subnetEnv: "");
        FakePluginExecutor fake = FlannelKit.Fake();
        Assert.Equal(0, FlannelKit.Run("DEL", kit.Config(), fake, netns: null).ExitCode);
        Assert.Empty(fake.Calls);
    }

    [Theory]
    [InlineData("{\"bridge\":\"cni0\",")]
    [InlineData("[]")]
    [InlineData("{\"type\":7}")]
    [InlineData("{\"type\":\"../bin/sh\"}")]
    [InlineData("")]
    public void DEL_of_an_unusable_saved_file_deletes_with_a_configuration_rendered_now(string content)
    {
        using var kit = new FlannelKit();
        Assert.Equal(0, FlannelKit.Run("ADD", kit.Config(), FlannelKit.Fake()).ExitCode);
        byte[] rendered = File.ReadAllBytes(kit.Saved());
        File.WriteAllText(kit.Saved(), content);

        FakePluginExecutor fake = FlannelKit.Fake();
        ProcessResult r = FlannelKit.Run("DEL", kit.Config(), fake);
        Assert.True(r.ExitCode == 0, r.ToString());
        FakeExecution call = Assert.Single(fake.Calls);
        Assert.Equal(("DEL", "/fake/bridge"), (call.Command, call.Path));
        Assert.Equal(rendered, call.Stdin);
        Assert.Contains("unusable", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(kit.Saved()));
    }

    [Fact]
    public void DEL_of_a_file_in_the_go_plugins_format_sends_exactly_its_bytes()
    {
        using var kit = new FlannelKit();
        Directory.CreateDirectory(kit.DataDir);
        File.WriteAllText(kit.Saved("goctr"), FlannelRenderTests.RecordedSavedFile);
        FakePluginExecutor fake = FlannelKit.Fake();
        Assert.Equal(0, FlannelKit.Run("DEL", kit.Config(), fake, containerId: "goctr").ExitCode);
        Assert.Equal(FlannelRenderTests.RecordedSavedFile, Assert.Single(fake.Calls).StdinText);
        Assert.False(File.Exists(kit.Saved("goctr")));
    }

    [Fact]
    public void GC_delegates_then_removes_only_the_saved_files_of_attachments_no_longer_valid()
    {
        using var kit = new FlannelKit();
        foreach (string id in (string[])["keep1", "gone1", "keep2", "gone2"])
        {
            Assert.Equal(0, FlannelKit.Run("ADD", kit.Config("1.1.0"), FlannelKit.Fake(), containerId: id).ExitCode);
        }

        string gc = kit.Config("1.1.0", "\"cni.dev/valid-attachments\":[{\"containerID\":\"keep1\",\"ifname\":\"eth0\"},{\"containerID\":\"keep2\",\"ifname\":\"eth1\"}]");
        bool goneDuringDelegateGc = true;
        FakePluginExecutor fake = FlannelKit.Fake(call =>
        {
            goneDuringDelegateGc = !File.Exists(kit.Saved("gone1"));
            return FakePluginExecutor.Success("");
        });
        PluginRun r = PluginHarness.RunInProcess(new Flannel.FlannelPlugin(), new Dictionary<string, string?> { ["CNI_COMMAND"] = "GC", ["CNI_PATH"] = "/fake" }, gc, executor: fake);
        Assert.True(r.ExitCode == 0, r.ToString());
        FakeExecution call = Assert.Single(fake.Calls);
        Assert.Equal(("GC", "/fake/bridge"), (call.Command, call.Path));
        Assert.StartsWith(
            "{\"cni.dev/valid-attachments\":[{\"containerID\":\"keep1\",\"ifname\":\"eth0\"},{\"containerID\":\"keep2\",\"ifname\":\"eth1\"}],\"cniVersion\":\"1.1.0\",",
            call.StdinText,
            StringComparison.Ordinal);
        Assert.False(goneDuringDelegateGc);
        Assert.Equal(["keep1", "keep2"], Directory.GetFiles(kit.DataDir).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void STATUS_needs_a_valid_subnet_env_then_asks_the_delegate()
    {
        using var kit = new FlannelKit();
        var env = new Dictionary<string, string?> { ["CNI_COMMAND"] = "STATUS", ["CNI_PATH"] = "/fake" };
        FakePluginExecutor fake = FlannelKit.Fake();
        Assert.Equal(0, PluginHarness.RunInProcess(new Flannel.FlannelPlugin(), env, kit.Config("1.1.0"), executor: fake).ExitCode);
        Assert.Equal(("STATUS", "/fake/bridge"), (Assert.Single(fake.Calls).Command, fake.Calls[0].Path));

        File.WriteAllText(kit.SubnetFile, "FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n");
        CniError invalid = PluginHarness.RunInProcess(new Flannel.FlannelPlugin(), env, kit.Config("1.1.0"), executor: fake).Error();
        Assert.Equal(CniErrorCode.PluginNotAvailable, invalid.Code);
        Assert.Contains("is missing FLANNEL_SUBNET, FLANNEL_IPV6_SUBNET", invalid.Message, StringComparison.Ordinal);

        File.Delete(kit.SubnetFile);
        CniError missing = PluginHarness.RunInProcess(new Flannel.FlannelPlugin(), env, kit.Config("1.1.0"), executor: fake).Error();
        Assert.Equal(CniErrorCode.PluginNotAvailable, missing.Code);
        Assert.Contains("Check the flannel pod log", missing.Message, StringComparison.Ordinal);
        Assert.Single(fake.Calls);
    }

    [Fact]
    public void CHECK_compares_the_saved_file_with_what_ADD_renders_now_then_checks_the_delegate_with_prevResult()
    {
        using var kit = new FlannelKit();
        Assert.Equal(0, FlannelKit.Run("ADD", kit.Config(), FlannelKit.Fake()).ExitCode);
        string check = kit.Config(extra: "\"prevResult\":" + FlannelKit.BridgeResult);

        FakePluginExecutor fake = FlannelKit.Fake();
        ProcessResult ok = FlannelKit.Run("CHECK", check, fake);
        Assert.True(ok.ExitCode == 0, ok.ToString());
        FakeExecution call = Assert.Single(fake.Calls);
        Assert.Equal(("CHECK", "/fake/bridge"), (call.Command, call.Path));
        Assert.Contains("\"prevResult\":{\"cniVersion\":\"1.0.0\",\"interfaces\":", call.StdinText, StringComparison.Ordinal);

        File.WriteAllText(kit.SubnetFile, FlannelKit.DefaultEnv.Replace("1450", "1400", StringComparison.Ordinal));
        CniError changed = PluginRunner.Error(FlannelKit.Run("CHECK", check, fake));
        Assert.Contains("differs from what flannel renders now", changed.Message, StringComparison.Ordinal);

        File.Delete(kit.Saved());
        CniError gone = PluginRunner.Error(FlannelKit.Run("CHECK", check, fake));
        Assert.Contains("no saved delegate configuration", gone.Message, StringComparison.Ordinal);
        Assert.Single(fake.Calls);
    }

    [Fact]
    public void An_unreadable_subnet_env_fails_ADD_with_the_hint_to_check_flanneld()
    {
        using var kit = new FlannelKit(subnetEnv: "");
        FakePluginExecutor fake = FlannelKit.Fake();
        CniError e = PluginRunner.Error(FlannelKit.Run("ADD", kit.Config(), fake));
        Assert.Equal(CniErrorCode.TryAgainLater, e.Code);
        Assert.StartsWith("failed to load flannel 'subnet.env' file: ", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("Check the flannel pod log for this node.", e.Message, StringComparison.Ordinal);
        Assert.Contains(kit.SubnetFile, e.Message + e.Details, StringComparison.Ordinal);
        Assert.Empty(fake.Calls);
        Assert.False(Directory.Exists(kit.DataDir));
    }

    [Theory]
    [InlineData("FLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n", "FLANNEL_NETWORK, FLANNEL_IPV6_NETWORK")]
    [InlineData("FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n", "FLANNEL_SUBNET, FLANNEL_IPV6_SUBNET")]
    [InlineData("FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_IPMASQ=true\n", "FLANNEL_MTU")]
    [InlineData("FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_MTU=1450\n", "FLANNEL_IPMASQ")]
    [InlineData("", "FLANNEL_NETWORK, FLANNEL_IPV6_NETWORK, FLANNEL_SUBNET, FLANNEL_IPV6_SUBNET, FLANNEL_MTU, FLANNEL_IPMASQ")]
    public void A_missing_variable_is_named(string content, string missing)
    {
        using var kit = new FlannelKit(FlannelKit.DefaultEnv);
        File.WriteAllText(kit.SubnetFile, content);
        FakePluginExecutor fake = FlannelKit.Fake();
        CniError e = PluginRunner.Error(FlannelKit.Run("ADD", kit.Config(), fake));
        Assert.Equal(CniErrorCode.Internal, e.Code);
        Assert.Equal($"{kit.SubnetFile} is missing {missing}", e.Message);
        Assert.Empty(fake.Calls);
        Assert.False(Directory.Exists(kit.DataDir));
    }

    [Theory]
    [InlineData("FLANNEL_MTU=14x0", "line 3: FLANNEL_MTU \"14x0\" is not an unsigned 32-bit number")]
    [InlineData("FLANNEL_MTU=-1", "line 3: FLANNEL_MTU \"-1\" is not an unsigned 32-bit number")]
    [InlineData("FLANNEL_MTU", "line 3: FLANNEL_MTU has no '=' and no value")]
    [InlineData("FLANNEL_MTU=1450\nFLANNEL_SUBNET=10.244.1/24", "line 4: FLANNEL_SUBNET \"10.244.1/24\" is not a CIDR")]
    [InlineData("FLANNEL_MTU=1450\nFLANNEL_NETWORK=10.244.0.0/16,", "line 4: FLANNEL_NETWORK \"\" is not a CIDR")]
    public void A_malformed_value_is_named_with_its_line(string line, string problem)
    {
        using var kit = new FlannelKit();
        File.WriteAllText(kit.SubnetFile, "FLANNEL_NETWORK=10.244.0.0/16\r\nFLANNEL_SUBNET=10.244.1.1/24\n" + line + "\nFLANNEL_IPMASQ=true\n");
        CniError e = PluginRunner.Error(FlannelKit.Run("ADD", kit.Config(), FlannelKit.Fake()));
        Assert.Equal(CniErrorCode.Internal, e.Code);
        Assert.StartsWith($"{kit.SubnetFile} {problem}", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"delegate\":{\"name\":\"x\"}", "delegate.name", 7)]
    [InlineData("\"delegate\":{\"ipam\":{}}", "\"ipam\"", 7)]
    [InlineData("\"delegate\":{\"type\":7}", "\"delegate.type\" is 7", 6)]
    [InlineData("\"delegate\":{\"type\":null}", "\"delegate.type\" is null", 6)]
    [InlineData("\"delegate\":[]", "\"delegate\" must be an object", 6)]
    [InlineData("\"subnetFile\":\"\"", "\"subnetFile\" must be a non-empty path", 7)]
    [InlineData("\"subnetFile\":3", "\"subnetFile\" must be a non-empty path", 6)]
    [InlineData("\"ipam\":{\"routes\":{}}", "\"ipam.routes\" must be a list", 6)]
    [InlineData("\"ipam\":{\"routes\":[{\"dst\":\"10.0.0.0\"}]}", "\"ipam.routes[0].dst\" must be a CIDR", 7)]
    [InlineData("\"ipam\":{\"routes\":[{\"dst\":\"10.0.0.0/8\",\"gw\":\"x\"}]}", "\"ipam.routes[0].gw\" must be an IP address", 7)]
    [InlineData("\"ipam\":{\"routes\":[{\"dst\":\"10.0.0.0/8\",\"mtu\":1.5}]}", "\"ipam.routes[0].mtu\" must be an integer", 6)]
    public void Bad_configuration_is_refused_naming_the_key_and_nothing_is_saved(string extra, string named, int code)
    {
        using var kit = new FlannelKit();
        // A later "subnetFile" would override the kit's; the first duplicate-free form is built by hand.
        string config = extra.StartsWith("\"subnetFile\"", StringComparison.Ordinal)
            ? $"{{\"cniVersion\":\"1.0.0\",\"name\":\"cbr0\",\"type\":\"flannel\",\"dataDir\":\"{kit.DataDir}\",{extra}}}"
            : kit.Config(extra: extra);
        FakePluginExecutor fake = FlannelKit.Fake();
        CniError e = PluginRunner.Error(FlannelKit.Run("ADD", config, fake));
        // A wrong JSON kind is code 6 (it cannot be decoded); a value of the right kind that is not acceptable, code 7.
        Assert.Equal((CniErrorCode)code, e.Code);
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
        Assert.Empty(fake.Calls);
        Assert.False(Directory.Exists(kit.DataDir));
    }

    [Fact]
    public void A_delegate_type_that_is_a_path_is_refused_before_anything_is_saved()
    {
        using var kit = new FlannelKit();
        FakePluginExecutor fake = FlannelKit.Fake();
        CniError e = PluginRunner.Error(FlannelKit.Run("ADD", kit.Config(extra: "\"delegate\":{\"type\":\"/bin/sh\"}"), fake));
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, e.Code);
        Assert.Empty(fake.Calls);
        Assert.False(Directory.Exists(kit.DataDir));
    }

    [Fact]
    public void The_delegate_json_is_logged_as_the_reference_logs_it()
    {
        using var kit = new FlannelKit();
        ProcessResult r = FlannelKit.Run("ADD", kit.Config(), FlannelKit.Fake());
        Assert.Contains("delegateAdd: netconf sent to delegate plugin:\n" + File.ReadAllText(kit.Saved(), Encoding.UTF8), r.Stderr.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }
}
