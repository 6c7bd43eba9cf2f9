using System.Text.Json;

namespace Cni.Skel;

/// <summary>
/// The one rule for a GC request without a valid set: when the configuration has neither
/// <c>cni.dev/valid-attachments</c> nor the older <c>cni.dev/attachments</c>, the runtime has not said
/// which attachments are valid, so nothing may be released. A key that is present is the valid set,
/// whatever it holds: an array, an empty array, or <c>null</c> (how Go marshals an empty list).
/// </summary>
internal static class GcRule
{
    public const string NothingToCollect =
        "GC: the configuration has neither \"cni.dev/valid-attachments\" nor \"cni.dev/attachments\", so the runtime has not said which attachments are valid; nothing is released";

    /// <summary>Whether the configuration (already parsed and valid JSON) has either attachments key at its top level, whatever its value.</summary>
    public static bool RuntimeNamedValidAttachments(ReadOnlySpan<byte> config)
    {
        var reader = new Utf8JsonReader(config);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("cni.dev/valid-attachments"u8) || reader.ValueTextEquals("cni.dev/attachments"u8))
            {
                return true;
            }

            reader.Read();
            reader.Skip();
        }

        return false;
    }
}
