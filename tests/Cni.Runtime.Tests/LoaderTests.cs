using System.Text.Json.Nodes;
using Cni.Spec;

namespace Cni.Runtime.Tests;

public class LoaderTests
{
    private const string Bridge = """{"type":"bridge","bridge":"cni0"}""";

    private static string List(string name, string version = "1.0.0", string extra = "", string plugins = Bridge) =>
        $$"""{"cniVersion":"{{version}}","name":"{{name}}"{{extra}},"plugins":[{{plugins}}]}""";

    [Fact]
    public void Files_are_loaded_in_lexical_order_of_their_names()
    {
        using var dir = new TempDir("order");
        dir.Write("20-b.conflist", List("b"));
        dir.Write("10-c.conf", """{"cniVersion":"0.4.0","name":"c","type":"loopback"}""");
        dir.Write("05-a.json", """{"cniVersion":"0.3.1","name":"a","type":"loopback"}""");
        NetworkLoadResult result = CniConfigLoader.LoadDirectory(dir.Path);
        Assert.Empty(result.Errors);
        Assert.Equal(["a", "c", "b"], result.Networks.Select(n => n.Name));
    }

    [Fact]
    public void Other_extensions_are_ignored()
    {
        using var dir = new TempDir("ext");
        dir.Write("10-a.conflist.bak", List("a"));
        dir.Write("10-b.yaml", List("b"));
        dir.Write("10-c.CONFLIST", List("c"));
        dir.Write("10-d.conflist", List("d"));
        Assert.Equal(["d"], CniConfigLoader.LoadDirectory(dir.Path).Networks.Select(n => n.Name));
    }

    [Fact]
    public void A_single_conf_is_lifted_into_a_list_of_one_with_its_name_and_version()
    {
        using var dir = new TempDir("lift");
        dir.Write("10-lo.conf", """{"cniVersion":"0.3.1","name":"lo","type":"loopback","extra":{"k":1}}""");
        CniNetwork network = CniConfigLoader.LoadNetwork(dir.Path, "lo");
        Assert.Equal(CniVersion.V0_3_1, network.CniVersion);
        JsonObject plugin = Assert.Single(network.Plugins);
        Assert.Equal("loopback", (string?)plugin["type"]);
        Assert.Equal(1, (int?)plugin["extra"]!["k"]);
        JsonObject lifted = JsonNode.Parse(network.Bytes.Span)!.AsObject();
        Assert.Equal("lo", (string?)lifted["name"]);
        Assert.Equal("0.3.1", (string?)lifted["cniVersion"]);
    }

    [Fact]
    public void The_network_name_comes_from_the_content_not_the_file_name()
    {
        using var dir = new TempDir("name");
        dir.Write("mynet.conflist", List("othernet"));
        NetworkLoadResult result = CniConfigLoader.LoadDirectory(dir.Path);
        Assert.Null(result.Find("mynet"));
        Assert.NotNull(result.Find("othernet"));
        CniException e = Assert.Throws<CniException>(() => CniConfigLoader.LoadNetwork(dir.Path, "mynet"));
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, e.Code);
        Assert.Contains("no net configuration with name \"mynet\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_conflist_wins_over_a_conf_of_the_same_name_even_when_sorted_later()
    {
        using var dir = new TempDir("prec");
        dir.Write("00-net.conf", """{"cniVersion":"0.4.0","name":"net","type":"loopback"}""");
        dir.Write("99-net.conflist", List("net"));
        CniNetwork network = CniConfigLoader.LoadNetwork(dir.Path, "net");
        Assert.EndsWith("99-net.conflist", network.FilePath, StringComparison.Ordinal);
    }

    [Fact]
    public void Of_two_conflists_with_one_name_the_first_in_lexical_order_wins()
    {
        using var dir = new TempDir("dup");
        dir.Write("20-net.conflist", List("net", "0.4.0"));
        dir.Write("10-net.conflist", List("net", "1.0.0"));
        Assert.Equal(CniVersion.V1_0_0, CniConfigLoader.LoadNetwork(dir.Path, "net").CniVersion);
    }

    [Fact]
    public void An_invalid_file_is_reported_with_its_name_and_key_and_does_not_hide_other_networks()
    {
        using var dir = new TempDir("bad");
        string bad = dir.Write("00-bad.conflist", """{"cniVersion":"1.0.0","name":"bad","disableCheck":5,"plugins":[{"type":"bridge"}]}""");
        string garbage = dir.Write("01-garbage.conf", "{not json");
        dir.Write("50-good.conflist", List("good"));
        NetworkLoadResult result = CniConfigLoader.LoadDirectory(dir.Path);
        Assert.Equal(["good"], result.Networks.Select(n => n.Name));
        Assert.Equal(2, result.Errors.Count);
        ConfigFileError first = result.Errors[0];
        Assert.Equal(bad, first.FilePath);
        Assert.Contains(bad, first.Error.Message, StringComparison.Ordinal);
        Assert.Contains("disableCheck", first.Error.Message, StringComparison.Ordinal);
        Assert.Contains(garbage, result.Errors[1].Error.Message, StringComparison.Ordinal);
        Assert.NotNull(CniConfigLoader.LoadNetwork(dir.Path, "good"));
    }

    [Fact]
    public void Not_found_names_the_files_that_could_not_be_loaded()
    {
        using var dir = new TempDir("nf");
        string bad = dir.Write("00-bad.conflist", """{"cniVersion":"1.0.0","name":"x","plugins":[]}""");
        CniException e = Assert.Throws<CniException>(() => CniConfigLoader.LoadNetwork(dir.Path, "x"));
        Assert.Contains(bad, e.Details, StringComparison.Ordinal);
        Assert.Contains("empty", e.Details, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_or_missing_directory_has_no_configurations()
    {
        using var dir = new TempDir("empty");
        CniException e = Assert.Throws<CniException>(() => CniConfigLoader.LoadNetwork(dir.Path, "x"));
        Assert.Contains("no net configurations found", e.Message, StringComparison.Ordinal);
        NetworkLoadResult missing = CniConfigLoader.LoadDirectory(Path.Combine(dir.Path, "nope"));
        Assert.Empty(missing.Networks);
        Assert.Empty(missing.Errors);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("\"true\"", true)]
    [InlineData("\"FALSE\"", false)]
    [InlineData("\"True\"", true)]
    public void DisableCheck_accepts_booleans_and_their_strings(string value, bool expected)
    {
        CniNetwork network = CniNetwork.Parse(System.Text.Encoding.UTF8.GetBytes(List("n", extra: $",\"disableCheck\":{value}")));
        Assert.Equal(expected, network.DisableCheck);
    }

    [Fact]
    public void DisableCheck_with_another_string_names_the_key()
    {
        CniException e = Assert.Throws<CniException>(() => CniNetwork.Parse(System.Text.Encoding.UTF8.GetBytes(List("n", extra: ",\"disableCheck\":\"yes\"")), "/x/n.conflist"));
        Assert.Contains("/x/n.conflist", e.Message, StringComparison.Ordinal);
        Assert.Contains("disableCheck", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DisableGC_is_read()
    {
        Assert.True(CniNetwork.Parse(System.Text.Encoding.UTF8.GetBytes(List("n", "1.1.0", ",\"disableGC\":true"))).DisableGC);
        Assert.False(CniNetwork.Parse(System.Text.Encoding.UTF8.GetBytes(List("n", "1.1.0"))).DisableGC);
    }

    [Fact]
    public void CniVersions_picks_the_highest_known_version_and_ignores_newer_ones()
    {
        CniNetwork network = CniNetwork.Parse(System.Text.Encoding.UTF8.GetBytes(List("n", "0.4.0", ",\"cniVersions\":[\"1.0.0\",\"0.3.1\",\"9.9.9\"]")));
        Assert.Equal(CniVersion.V1_0_0, network.CniVersion);
        Assert.Equal([CniVersion.V1_0_0, CniVersion.V0_4_0, CniVersion.V0_3_1], network.Versions);
    }

    [Fact]
    public void CniVersions_with_a_non_version_is_an_error()
    {
        CniException e = Assert.Throws<CniException>(() => CniNetwork.Parse(System.Text.Encoding.UTF8.GetBytes(List("n", "1.0.0", ",\"cniVersions\":[\"banana\"]"))));
        Assert.Contains("banana", e.Message + e.Details, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_cniVersions_the_cniVersion_is_used()
    {
        Assert.Equal(CniVersion.V0_3_1, CniNetwork.Parse(System.Text.Encoding.UTF8.GetBytes(List("n", "0.3.1"))).CniVersion);
    }

    [Fact]
    public void Plugins_of_the_sibling_directory_are_appended_in_order()
    {
        using var dir = new TempDir("sib");
        dir.Write("10-net.conflist", List("net", "1.1.0"));
        dir.Write("net/20-tuning.conf", """{"type":"tuning"}""");
        dir.Write("net/10-portmap.conf", """{"type":"portmap","capabilities":{"portMappings":true}}""");
        dir.Write("net/30-ignored.json", """{"type":"ignored"}""");
        CniNetwork network = CniConfigLoader.LoadNetwork(dir.Path, "net");
        Assert.Equal(["bridge", "portmap", "tuning"], network.Plugins.Select(p => (string?)p["type"]));
    }

    [Fact]
    public void LoadOnlyInlinedPlugins_ignores_the_sibling_directory()
    {
        using var dir = new TempDir("inl");
        dir.Write("10-net.conflist", List("net", "1.1.0", ",\"loadOnlyInlinedPlugins\":true"));
        dir.Write("net/10-portmap.conf", """{"type":"portmap"}""");
        Assert.Equal(["bridge"], CniConfigLoader.LoadNetwork(dir.Path, "net").Plugins.Select(p => (string?)p["type"]));
    }

    [Fact]
    public void LoadOnlyInlinedPlugins_without_plugins_is_an_error()
    {
        CniException e = Assert.Throws<CniException>(() => CniNetwork.Parse("""{"cniVersion":"1.1.0","name":"n","loadOnlyInlinedPlugins":true}"""u8));
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, e.Code);
        Assert.Contains("loadOnlyInlinedPlugins", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_sibling_plugin_names_its_file()
    {
        using var dir = new TempDir("sibbad");
        dir.Write("10-net.conflist", List("net", "1.1.0"));
        string bad = dir.Write("net/10-x.conf", """{"name":"net"}""");
        NetworkLoadResult result = CniConfigLoader.LoadDirectory(dir.Path);
        ConfigFileError error = Assert.Single(result.Errors);
        Assert.Contains(bad, error.Error.Message, StringComparison.Ordinal);
        Assert.Contains("type", error.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"cniVersion":"1.0.0","name":"bad/name","plugins":[{"type":"bridge"}]}""", "name")]
    [InlineData("""{"cniVersion":"1.0.0","plugins":[{"type":"bridge"}]}""", "name")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","plugins":[{"type":"../bin/evil"}]}""", "type")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","plugins":[{"bridge":"x"}]}""", "type")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n"}""", "plugins")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","plugins":[]}""", "plugins")]
    [InlineData("""{"cniVersion":"one","name":"n","plugins":[{"type":"bridge"}]}""", "one")]
    public void Invalid_lists_name_the_key(string json, string key)
    {
        CniException e = Assert.Throws<CniException>(() => CniNetwork.Parse(System.Text.Encoding.UTF8.GetBytes(json), "/etc/cni/net.d/x.conflist"));
        Assert.Contains("/etc/cni/net.d/x.conflist", e.Message, StringComparison.Ordinal);
        Assert.Contains(key, e.Message + e.Details, StringComparison.Ordinal);
    }

    [Fact]
    public void A_conf_without_type_is_an_error()
    {
        using var dir = new TempDir("notype");
        string file = dir.Write("10-x.conf", """{"cniVersion":"0.4.0","name":"x"}""");
        ConfigFileError error = Assert.Single(CniConfigLoader.LoadDirectory(dir.Path).Errors);
        Assert.Contains(file, error.Error.Message, StringComparison.Ordinal);
        Assert.Contains("type", error.Error.Message, StringComparison.Ordinal);
    }
}
