using Cni.Spec;

namespace Cni.Fuzz.Tests;

/// <summary>The findings of the fuzzing campaign, one named test each, on the input kept in tests/Fuzz/regressions.</summary>
public class FindingTests
{
    private static byte[] Finding(string name) => File.ReadAllBytes(Path.Combine(CorpusReplayTests.RepoRoot, "tests", "Fuzz", "regressions", name));

    private static CniException Code6(Action parse)
    {
        CniException e = Assert.Throws<CniException>(parse);
        Assert.Equal(CniErrorCode.DecodingFailure, e.Code);
        return e;
    }

    [Theory]
    [InlineData("netconf/invalid-utf8-in-a-string-value")]
    [InlineData("netconf/invalid-utf8-in-a-key")]
    [InlineData("netconf/invalid-utf8-in-dns")]
    [InlineData("netconf/invalid-utf8-in-valid-attachments-key")]
    [InlineData("netconf/invalid-utf8-in-valid-attachments-value")]
    [InlineData("netconf/invalid-utf8-in-capabilities")]
    [InlineData("netconf/invalid-utf8-in-an-unknown-key-breaks-tojson")]
    public void Invalid_UTF8_in_a_network_configuration_is_error_6_naming_the_offset_not_InvalidOperationException(string finding)
    {
        byte[] input = Finding(finding);
        CniException e = Code6(() => NetworkConfig.Parse(input));
        Assert.Matches(@"^the network configuration is not valid UTF-8( in key ""[^""]*"")?: invalid byte 0x[0-9a-f]{2} at offset \d+$", e.Message);
    }

    [Fact]
    public void A_lone_surrogate_escape_in_a_configuration_is_error_6_where_ToJson_used_to_throw_JsonException()
    {
        CniException e = Code6(() => NetworkConfig.Parse(Finding("netconf/lone-surrogate-escape-breaks-tojson")));
        Assert.Contains("\"\\ud800\" at offset 38", e.Message, StringComparison.Ordinal);
        // A pair is a character and still reads, and an escaped backslash before "u" is no escape at all.
        Assert.Equal("n", NetworkConfig.Parse("""{"cniVersion":"1.0.0","name":"n","x":"\ud83d\ude00 \\ud800"}""").Name);
    }

    [Fact]
    public void A_lone_surrogate_escape_in_a_CNI_error_is_error_6_not_InvalidOperationException()
    {
        CniException e = Code6(() => CniError.Parse(Finding("cnierror/lone-surrogate-escape-in-msg")));
        Assert.StartsWith("the CNI error object is not valid text", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("conflist/invalid-utf8-in-a-plugin-type")]
    [InlineData("conflist/invalid-utf8-in-a-plugin")]
    [InlineData("conflist/invalid-utf8-in-a-wrongly-typed-value")]
    public void Invalid_UTF8_in_a_configuration_list_is_error_6_not_InvalidOperationException(string finding)
    {
        CniException e = Code6(() => NetworkConfigList.Parse(Finding(finding)));
        Assert.StartsWith("the network configuration list is not valid UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_repeated_key_with_a_wrong_type_in_a_configuration_list_is_error_6_not_ArgumentException()
    {
        CniException e = Code6(() => NetworkConfigList.Parse(Finding("conflist/repeated-key-in-a-wrongly-typed-list")));
        Assert.Contains("disableGC", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_owner_index_line_that_starts_with_the_owner_suffix_is_no_entry_not_ArgumentOutOfRangeException()
    {
        // The index trusted (its stamp matches) and a line " c1 eth0\n": LeaseIndex.Get sliced before checking.
        Targets.Get("hostlocal-store").Execute(Finding("hostlocal-store/index-line-starting-with-the-owner-suffix"));
    }

    [Fact]
    public void A_key_repeated_inside_a_plugin_of_a_list_is_error_6_naming_it_not_ArgumentException()
    {
        // Found by the runtime-conflist seeds: a .conf with "mtu" twice, lifted into a list by Cni.Runtime.
        CniException e = Code6(() => NetworkConfigList.Parse(Finding("runtime-conflist/repeated-key-in-a-plugin")));
        Assert.Contains("plugins[0]: the key \"mtu\" appears more than once", e.Message, StringComparison.Ordinal);
        Targets.Get("runtime-conflist").Execute(Finding("runtime-conflist/repeated-key-in-a-plugin"));
    }
}
