using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Cni.Spec;
using Cni.Tests;

namespace Cni.Ipam.Tests;

/// <summary>
/// host-local's keys are read by hand (<see cref="NetworkConfig.ReadSettings{T}(T, SettingsReader{T})"/>);
/// these pin <see cref="HostLocalConfig.Load"/> to the source-generated reader it replaced.
/// Golden/host-local-config.outcomes.json holds, for every configuration in <see cref="Inputs"/> (each key of
/// <c>ipam</c> with wrong types, null and duplicates, the legacy range, routes, <c>runtimeConfig</c> and
/// <c>args</c> sections), the outcome that reader gave. <c>CNI_RECORD_GOLDEN=1</c> records the file again (and fails).
/// </summary>
public class HostLocalConfigReaderTests
{
    private static readonly string GoldenFile = Path.Combine(RepoPaths.Root, "tests", "Cni.Ipam.Tests", "Golden", "host-local-config.outcomes.json");

    private static string C(string rest) => "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"bridge\"" + rest + "}";

    private static string I(string ipam, string rest = "") => C(",\"ipam\":{\"type\":\"host-local\"" + (ipam.Length == 0 ? "" : "," + ipam) + "}" + rest);

    private const string R = "\"ranges\":[[{\"subnet\":\"10.1.0.0/24\"}]]";

    private static IEnumerable<string> Inputs()
    {
        yield return C("");
        yield return C(",\"ipam\":null");
        yield return C(",\"ipam\":{}");
        yield return I("");
        yield return I(R);
        yield return I("\"ranges\":[[{\"subnet\":\"10.1.0.0/24\",\"rangeStart\":\"10.1.0.10\",\"rangeEnd\":\"10.1.0.20\",\"gateway\":\"10.1.0.1\"}],[{\"subnet\":\"fd00::/64\"}]]");
        yield return I("\"ranges\":[[{\"subnet\":\"10.1.0.0/24\"},{\"subnet\":\"10.2.0.0/24\"}]]");
        yield return I("\"ranges\":[[{\"subnet\":\"10.1.0.0/24\"},{\"subnet\":\"fd00::/64\"}]]");
        yield return I("\"ranges\":[[{\"subnet\":\"10.1.0.0/24\"}],[{\"subnet\":\"10.1.0.0/25\"}]]");
        yield return I("\"ranges\":7");
        yield return I("\"ranges\":\"x\"");
        yield return I("\"ranges\":null");
        yield return I("\"ranges\":[]");
        yield return I("\"ranges\":[7]");
        yield return I("\"ranges\":[null]");
        yield return I("\"ranges\":[[]]");
        yield return I("\"ranges\":[[7]]");
        yield return I("\"ranges\":[[null]]");
        yield return I("\"ranges\":[[{}]]");
        yield return I("\"ranges\":[{\"subnet\":\"10.1.0.0/24\"}]");
        yield return I("\"ranges\":[[{\"subnet\":7}]]");
        yield return I("\"ranges\":[[{\"subnet\":null}]]");
        yield return I("\"ranges\":[[{\"subnet\":\"x\"}]]");
        yield return I("\"ranges\":[[{\"subnet\":\"10.1.0.0/24\",\"rangeStart\":true}]]");
        yield return I("\"ranges\":[[{\"subnet\":\"10.1.0.0/24\",\"rangeEnd\":[1]}]]");
        yield return I("\"ranges\":[[{\"subnet\":\"10.1.0.0/24\",\"gateway\":{}}]]");
        yield return I("\"ranges\":[[{\"subnet\":\"10.1.0.0/24\",\"gateway\":\"x\"}]]");
        yield return I("\"ranges\":[[{\"subnet\":\"10.1.0.0/24\",\"rangeStart\":\"10.2.0.1\"}]]");
        yield return I("\"ranges\":[[{\"subnet\":\"10.1.0.0/24\",\"extra\":[1,{\"a\":2}]}]]");
        yield return I("\"ranges\":[[{\"subnet\":\"10.1.0.0/24\",\"subnet\":\"10.3.0.0/24\"}]]");
        yield return I("\"ranges\":[[{\"subnet\":\"10.1.0.0/24\"}]],\"ranges\":[[{\"subnet\":\"10.4.0.0/24\"}]]");
        yield return I("\"ranges\":[[{\"Subnet\":\"10.1.0.0/24\"}]]");
        yield return I("\"ranges\":[[{\"sub\\u006eet\":\"10.1.0.0/24\"}]]");
        yield return I("\"subnet\":\"10.5.0.0/16\"");
        yield return I("\"subnet\":\"10.5.0.0/16\",\"rangeStart\":\"10.5.1.0\",\"rangeEnd\":\"10.5.2.0\",\"gateway\":\"10.5.0.254\"");
        yield return I("\"subnet\":\"10.5.0.0/16\"," + R);
        yield return I("\"subnet\":7," + R);
        yield return I("\"subnet\":\"x\"," + R);
        yield return I("\"rangeStart\":\"x\"," + R);
        yield return I("\"rangeStart\":\"10.9.0.1\"," + R);
        yield return I("\"gateway\":5," + R);
        yield return I("\"rangeEnd\":null," + R);
        yield return I("\"subnet\":\"\"," + R);
        yield return I("\"type\":7," + R);
        yield return I("\"routes\":[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"10.9.0.0/16\",\"gw\":\"10.1.0.1\",\"mtu\":1400,\"advmss\":1360,\"priority\":5,\"table\":100,\"scope\":0}]," + R);
        yield return I("\"routes\":7," + R);
        yield return I("\"routes\":null," + R);
        yield return I("\"routes\":[7]," + R);
        yield return I("\"routes\":[null]," + R);
        yield return I("\"routes\":[{}]," + R);
        yield return I("\"routes\":[{\"dst\":7}]," + R);
        yield return I("\"routes\":[{\"dst\":\"x\"}]," + R);
        yield return I("\"routes\":[{\"dst\":\"10.0.0.0/8\",\"gw\":\"x\"}]," + R);
        yield return I("\"routes\":[{\"dst\":\"10.0.0.0/8\",\"gw\":7}]," + R);
        yield return I("\"routes\":[{\"dst\":\"10.0.0.0/8\",\"mtu\":\"x\"}]," + R);
        yield return I("\"routes\":[{\"dst\":\"10.0.0.0/8\",\"mtu\":1.5}]," + R);
        yield return I("\"routes\":[{\"dst\":\"10.0.0.0/8\",\"mtu\":null}]," + R);
        yield return I("\"routes\":[{\"dst\":\"10.0.0.0/8\",\"table\":4294967296}]," + R);
        yield return I("\"routes\":[{\"dst\":\"10.0.0.0/8\",\"scope\":true}]," + R);
        yield return I("\"routes\":[{\"dst\":\"x\"}],\"ranges\":7");
        yield return I("\"dataDir\":\"/tmp/leases\"," + R);
        yield return I("\"dataDir\":7," + R);
        yield return I("\"dataDir\":null," + R);
        yield return I("\"dataDir\":\"\"," + R);
        yield return I("\"dataDir\":\"/a/../b\"," + R);
        yield return I("\"dataDir\":\"a\",\"dataDir\":\"b\"," + R);
        yield return I("\"dataDir\":\"a\",\"dataDir\":7," + R);
        yield return I("\"resolvConf\":\"/etc/resolv.conf\"," + R);
        yield return I("\"resolvConf\":7," + R);
        yield return I("\"resolvConf\":\"\"," + R);
        yield return I("\"other\":{\"deep\":[1,2,{\"x\":null}]},\"more\":\"\\u00e9\"," + R);
        yield return I(R, ",\"runtimeConfig\":{\"ips\":[\"10.1.0.5\",\"10.1.0.6/24\",\"10.1.0.5\"]}");
        yield return I(R, ",\"runtimeConfig\":{\"ips\":7}");
        yield return I(R, ",\"runtimeConfig\":{\"ips\":[7]}");
        yield return I(R, ",\"runtimeConfig\":{\"ips\":[null]}");
        yield return I(R, ",\"runtimeConfig\":{\"ips\":[\"bad\"]}");
        yield return I(R, ",\"runtimeConfig\":{\"ips\":null}");
        yield return I(R, ",\"runtimeConfig\":null");
        yield return I(R, ",\"runtimeConfig\":{\"ipRanges\":[[{\"subnet\":\"10.9.0.0/24\"}]]}");
        yield return I("", ",\"runtimeConfig\":{\"ipRanges\":[[{\"subnet\":\"10.9.0.0/24\"}]]}");
        yield return I(R, ",\"runtimeConfig\":{\"ipRanges\":7}");
        yield return I(R, ",\"runtimeConfig\":{\"ipRanges\":[[{\"subnet\":7}]]}");
        yield return I(R, ",\"runtimeConfig\":{\"ipRanges\":[]}");
        yield return I(R, ",\"runtimeConfig\":{\"ipRanges\":[[{\"subnet\":\"x\"}]]}");
        yield return I(R, ",\"runtimeConfig\":{\"portMappings\":[{\"hostPort\":\"x\"}]}");
        yield return I(R, ",\"runtimeConfig\":{\"portMappings\":[{\"hostPort\":null}]}");
        yield return I(R, ",\"runtimeConfig\":{\"portMappings\":7}");
        yield return I(R, ",\"runtimeConfig\":{\"mac\":7}");
        yield return I(R, ",\"runtimeConfig\":{\"bandwidth\":{\"ingressRate\":\"x\"}}");
        yield return I(R, ",\"runtimeConfig\":{\"dns\":{\"servers\":[1]}}");
        yield return I(R, ",\"runtimeConfig\":{\"aliases\":\"a\"}");
        yield return I(R, ",\"runtimeConfig\":{\"foo\":1,\"bar\":{\"x\":[1]}}");
        yield return I(R, ",\"args\":{\"cni\":{\"ips\":[\"10.1.0.7/24\"]}}");
        yield return I(R, ",\"args\":{\"cni\":{\"ips\":[\"10.1.0.7\"]},\"x\":1},\"runtimeConfig\":{\"ips\":[\"10.1.0.8\",\"10.1.0.7\"]}");
        yield return I(R, ",\"args\":{\"cni\":7}");
        yield return I(R, ",\"args\":{\"cni\":null}");
        yield return I(R, ",\"args\":{\"cni\":{\"ips\":7}}");
        yield return I(R, ",\"args\":{\"cni\":{\"ips\":[\"bad\"]}}");
        yield return I(R, ",\"args\":{\"cni\":{\"labels\":[{\"key\":7,\"value\":\"v\"}]}}");
        yield return I(R, ",\"args\":{\"cni\":{\"labels\":7}}");
        yield return I(R, ",\"args\":{\"cni\":{\"labels\":[{\"key\":\"k\",\"value\":\"v\"}],\"mac\":\"x\"}}");
        yield return I(R, ",\"args\":{\"x\":7}");
        yield return I(R, ",\"args\":null");
        yield return I("\"dataDir\":7", ",\"args\":{\"cni\":7}");
        yield return I("\"ranges\":[[{\"subnet\":\"x\"}]]", ",\"args\":{\"cni\":{\"ips\":[\"bad\"]}}");
        yield return I("\"ranges\":7", ",\"runtimeConfig\":{\"ips\":7}");
        yield return I("\"routes\":[{\"dst\":\"x\"}]", ",\"runtimeConfig\":{\"ips\":[\"bad\"]}");
        yield return I(R, ",\"args\":{\"cni\":{\"ips\":7}},\"runtimeConfig\":{\"ips\":7}");
        yield return I("\"ranges\":[[{\"subnet\":\"10.1.0.0/24\"}],[{\"subnet\":\"10.2.0.0/24\"}]]").Replace("1.0.0", "0.2.0", StringComparison.Ordinal);
        yield return I("\"ranges\":[[{\"subnet\":\"10.1.0.0/24\"}],[{\"subnet\":\"fd00::/64\"}]]").Replace("1.0.0", "0.2.0", StringComparison.Ordinal);
        yield return "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"bridge\",\"ipam\":{\"type\":\"host-local\",\"ranges\":[[{\"subnet\":\"10.1.0.0/24\"}]],\n  \"dataDir\": 7}}";
    }

    public static TheoryData<string, string> Recorded()
    {
        return GoldenFiles.Recording ? new TheoryData<string, string>() : GoldenFiles.Outcomes(GoldenFile);
    }

    [Fact]
    public void The_golden_file_covers_every_input()
    {
        string[] inputs = [.. Inputs()];
        if (GoldenFiles.Recording)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.Default }))
            {
                w.WriteStartArray();
                foreach (string input in inputs)
                {
                    w.WriteStartObject();
                    w.WriteString("input", input);
                    w.WriteString("outcome", Describe(input));
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            File.WriteAllBytes(GoldenFile, [.. stream.ToArray(), (byte)'\n']);
            Assert.Fail($"recorded {inputs.Length} outcomes into {GoldenFile}");
        }

        Assert.Equal(inputs, Recorded().Select(row => row.Data.Item1));
    }

    [Theory]
    [MemberData(nameof(Recorded))]
    public void Loads_as_the_source_generated_reader_did(string input, string recorded)
    {
        string outcome = Describe(input);
        if (recorded.StartsWith("unhandled ", StringComparison.Ordinal))
        {
            // The deliberate changes: the old reader crashed (code 999 for the plugin) on a key given twice,
            // the second time with the wrong type (its error wording failed), and on a null route.
            string message = outcome.Split(" | details: ")[0];
            string expected = input.Contains("\"routes\":[null]", StringComparison.Ordinal)
                ? "error 7: invalid CIDR address: "
                : input.Contains("\"dataDir\":7", StringComparison.Ordinal)
                    ? "error 6: invalid network configuration: key \"ipam.dataDir\" has value 7, which is not a string"
                    : "error 6: invalid network configuration: key \"ipam.type\" has value 7, which is not a string";
            Assert.Equal(expected, message);
            return;
        }

        Assert.Equal(recorded, outcome);
    }

    private static string Describe(string input)
    {
        NetworkConfig c;
        try
        {
            c = NetworkConfig.Parse(Encoding.UTF8.GetBytes(input));
        }
        catch (CniException e)
        {
            return $"config error {(int)e.Code}: {e.Message}";
        }

        HostLocalConfig h;
        try
        {
            h = HostLocalConfig.Load(c, CniArgs.Empty);
        }
        catch (CniException e)
        {
            return $"error {(int)e.Code}: {e.Message} | details: {e.Details}";
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"unhandled {e.GetType().Name}: {e.Message}";
        }

        string sets = string.Join(" | ", h.RangeSets.Select(s => string.Join(",", s.Select(r => $"{r.Subnet}[{r.RangeStart}-{r.RangeEnd} gw {r.Gateway}]"))));
        string routes = string.Join(",", h.Routes.Select(r => $"{r.Destination} gw={r.Gateway?.ToString() ?? "-"} mtu={r.Mtu?.ToString() ?? "-"} advmss={r.AdvMss?.ToString() ?? "-"} prio={r.Priority?.ToString() ?? "-"} table={r.Table?.ToString() ?? "-"} scope={r.Scope?.ToString() ?? "-"}"));
        return $"ok name={h.NetworkName} sets={sets} routes={routes} dataDir={h.DataDirectory} resolv={h.ResolvConfPath ?? "<null>"} requested={string.Join(",", h.RequestedAddresses)}";
    }
}
