using System.Text;
using System.Text.Json.Nodes;
using Cni.Spec;

namespace Cni.Spec.Tests;

/// <summary>
/// Go's encoding/json rules for a decoded JSON tree, with expected bytes written by hand from the rules
/// (sorted keys at every level, compact, Go's string escaping with HTML escaping, float64 numbers).
/// </summary>
public class GoJsonTests
{
    private static string Go(string json) => Encoding.UTF8.GetString(GoJson.Serialize(JsonNode.Parse(json)));

    [Fact]
    public void Keys_are_sorted_at_every_level_and_the_output_is_compact()
    {
        Assert.Equal(
            "{\"a\":{\"c\":\"x\",\"d\":[1,{\"y\":null,\"z\":true}]},\"b\":false,\"e\":[]}",
            Go("{ \"b\" : false, \"e\": [ ], \"a\": {\"d\": [1, {\"z\": true, \"y\": null}], \"c\": \"x\"} }"));
    }

    [Fact]
    public void Keys_sort_by_their_utf8_bytes_not_utf16()
    {
        // U+FF5E sorts after U+1F600 in UTF-16 (a surrogate pair starts with 0xD83D) but before it in UTF-8.
        Assert.Equal("{\"Z\":1,\"a\":2,\"é\":3,\"～\":4,\"😀\":5}", Go("{\"😀\":5,\"～\":4,\"é\":3,\"a\":2,\"Z\":1}"));
    }

    [Fact]
    public void Strings_are_escaped_as_go_escapes_them()
    {
        Assert.Equal(
            "\"\\u003ca\\u003e \\u0026 \\\" \\\\ \\n\\r\\t\\b\\f \\u0001\\u001f \u007f é€😀 \\u2028\\u2029 /\"",
            Go("\"<a> & \\\" \\\\ \\n\\r\\t\\b\\f \\u0001\\u001f \u007f é€😀 \\u2028\\u2029 \\/\""));
        Assert.Equal("{\"x\\u0026y\":\"\\u003e\"}", Go("{\"x&y\":\">\"}"));
    }

    [Fact]
    public void An_unpaired_surrogate_becomes_the_replacement_character_as_go_decodes_it()
    {
        Assert.Equal("\"a\uFFFDb\"", Encoding.UTF8.GetString(GoJson.Serialize(JsonValue.Create("a\uD800b"))));
    }

    [Theory]
    [InlineData("1450", "1450")]
    [InlineData("1.0", "1")]
    [InlineData("1e2", "100")]
    [InlineData("-0", "-0")]
    [InlineData("0", "0")]
    [InlineData("0.5", "0.5")]
    [InlineData("-12.25", "-12.25")]
    [InlineData("0.000001", "0.000001")]
    [InlineData("1e-7", "1e-7")]
    [InlineData("1.5E-7", "1.5e-7")]
    [InlineData("1.25e-10", "1.25e-10")]
    [InlineData("123.456e5", "12345600")]
    [InlineData("1e20", "100000000000000000000")]
    [InlineData("12345678901234567890", "12345678901234567000")]
    [InlineData("1e21", "1e+21")]
    [InlineData("123456789012345678901234", "1.2345678901234569e+23")]
    [InlineData("1e100", "1e+100")]
    [InlineData("5e-324", "5e-324")]
    [InlineData("1.7976931348623157e308", "1.7976931348623157e+308")]
    [InlineData("0.1", "0.1")]
    [InlineData("4294967295", "4294967295")]
    public void Numbers_are_written_as_go_writes_a_float64(string input, string expected)
    {
        Assert.Equal(expected, Go(input));
    }

    [Fact]
    public void Numbers_set_in_code_are_written_the_same_way()
    {
        var tree = new JsonObject { ["mtu"] = 1450u, ["half"] = 0.5, ["on"] = true, ["none"] = null };
        Assert.Equal("{\"half\":0.5,\"mtu\":1450,\"none\":null,\"on\":true}", Encoding.UTF8.GetString(GoJson.Serialize(tree)));
    }

    [Fact]
    public void A_number_beyond_a_float64_is_refused_as_go_refuses_it()
    {
        CniException e = Assert.Throws<CniException>(() => GoJson.Serialize(JsonNode.Parse("[1e400]")));
        Assert.Equal(CniErrorCode.DecodingFailure, e.Code);
        Assert.Contains("1e400", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Objects_named_as_structs_keep_their_member_order()
    {
        var route = new JsonObject { ["dst"] = "10.0.0.0/8", ["gw"] = "10.1.1.1", ["mtu"] = 1400, ["advmss"] = 1360 };
        var tree = new JsonObject { ["routes"] = new JsonArray(route), ["b"] = new JsonObject { ["z"] = 1, ["a"] = 2 } };
        Assert.Equal(
            "{\"b\":{\"a\":2,\"z\":1},\"routes\":[{\"dst\":\"10.0.0.0/8\",\"gw\":\"10.1.1.1\",\"mtu\":1400,\"advmss\":1360}]}",
            Encoding.UTF8.GetString(GoJson.Serialize(tree, new HashSet<JsonObject> { route })));
    }

    [Fact]
    public void FormatNumber_refuses_what_json_cannot_hold()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GoJson.FormatNumber(double.NaN));
        Assert.Equal("1e+21", GoJson.FormatNumber(1e21));
    }
}
