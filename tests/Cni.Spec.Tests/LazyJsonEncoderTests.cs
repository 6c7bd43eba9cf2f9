using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Cni.Spec.Tests;

/// <summary>The lazy encoder must write every string exactly as the built-in encoder it stands for.</summary>
public class LazyJsonEncoderTests
{
    public static TheoryData<string> Samples => new(
        "",
        "plain ascii 0123 ~!@#$%^*()_-=[]{}|;:,./?",
        "quote \" and backslash \\ inside",
        "html <b>&amp;</b> 'single' +plus `tick`",
        "control \n\r\t\b\f \u0001 \u001f del \u007f",
        "latin é ü, cjk 中文, emoji 😀, separators \u2028 \u2029, bom \ufeff, nbsp \u00a0",
        "lone surrogate \ud800 end",
        "10.1.0.5/24",
        "failed to decode: key \"mtu\" has value \"big\"");

    [Theory]
    [MemberData(nameof(Samples))]
    public void Writes_each_sample_as_the_built_in_encoders_do(string text)
    {
        Assert.Equal(Write(JavaScriptEncoder.UnsafeRelaxedJsonEscaping, text), Write(LazyJsonEncoder.Relaxed, text));
        Assert.Equal(Write(JavaScriptEncoder.Default, text), Write(LazyJsonEncoder.Strict, text));
    }

    [Fact]
    public void Writes_every_character_of_the_basic_plane_as_the_built_in_encoders_do()
    {
        for (int c = 0; c <= 0xFFFF; c++)
        {
            string text = "a" + (char)c + "b";
            Assert.Equal(Write(JavaScriptEncoder.UnsafeRelaxedJsonEscaping, text), Write(LazyJsonEncoder.Relaxed, text));
            Assert.Equal(Write(JavaScriptEncoder.Default, text), Write(LazyJsonEncoder.Strict, text));
            if (c is < 0xD800 or > 0xDFFF)
            {
                Assert.Equal(JavaScriptEncoder.UnsafeRelaxedJsonEscaping.WillEncode(c), LazyJsonEncoder.Relaxed.WillEncode(c));
                Assert.Equal(JavaScriptEncoder.Default.WillEncode(c), LazyJsonEncoder.Strict.WillEncode(c));
            }
        }
    }

    private static string Write(JavaScriptEncoder encoder, string text)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = encoder }))
        {
            writer.WriteStartObject();
            writer.WriteString(text, text);                          // UTF-16 name and value
            writer.WriteString(Encoding.UTF8.GetBytes(text), Encoding.UTF8.GetBytes(text)); // UTF-8 name and value
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
