using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cni.Spec;

/// <summary>What a plugin answers to VERSION: <c>{cniVersion, supportedVersions}</c>.</summary>
public sealed class VersionInfo
{
    /// <summary>The version of this answer (<c>cniVersion</c>).</summary>
    [JsonPropertyName("cniVersion")]
    public string CniVersion { get; set; } = Spec.CniVersion.Current.ToString();

    /// <summary>The versions the plugin supports (<c>supportedVersions</c>).</summary>
    [JsonPropertyName("supportedVersions")]
    public List<string> SupportedVersions { get; set; } = [];

    /// <summary>Builds the answer a plugin gives to VERSION.</summary>
    /// <param name="requested">
    /// The <c>cniVersion</c> of the request, which the specification says to echo; when it is
    /// absent or not a known version, <see cref="CniVersion.Current"/> is used.
    /// </param>
    /// <param name="supported">The plugin's supported versions.</param>
    /// <returns>The answer.</returns>
    public static VersionInfo For(string? requested, IEnumerable<CniVersion> supported)
    {
        ArgumentNullException.ThrowIfNull(supported);
        string version = !string.IsNullOrEmpty(requested) && Spec.CniVersion.TryParse(requested, out CniVersion v) && v.IsKnown
            ? v.ToString()
            : Spec.CniVersion.Current.ToString();
        return new VersionInfo { CniVersion = version, SupportedVersions = supported.Select(s => s.ToString()).ToList() };
    }

    /// <summary>
    /// Reads a plugin's VERSION answer. An answer of version 0.2.0 without <c>supportedVersions</c>
    /// means 0.1.0 and 0.2.0, as the reference reads it.
    /// </summary>
    /// <param name="utf8Json">The answer.</param>
    /// <returns>The answer.</returns>
    /// <exception cref="CniException">Not a VERSION answer (code 6).</exception>
    public static VersionInfo Parse(ReadOnlySpan<byte> utf8Json)
    {
        VersionInfo info = SpecJson.Deserialize(utf8Json, SpecJsonContext.Default.VersionInfo, "VERSION answer");
        if (string.IsNullOrEmpty(info.CniVersion))
        {
            throw new CniException(CniErrorCode.DecodingFailure, "VERSION answer is missing \"cniVersion\"");
        }

        if (info.SupportedVersions.Count == 0)
        {
            if (info.CniVersion != "0.2.0")
            {
                throw new CniException(CniErrorCode.DecodingFailure, "VERSION answer is missing \"supportedVersions\"");
            }

            info.SupportedVersions = ["0.1.0", "0.2.0"];
        }

        return info;
    }

    /// <summary>The answer as compact UTF-8 JSON, as plugins print it.</summary>
    /// <returns>The JSON bytes.</returns>
    /// <remarks>
    /// Written directly rather than through the serializer's metadata: VERSION is the one verb where
    /// nothing else needs that metadata, and building it is most of a VERSION call's own work.
    /// </remarks>
    public byte[] ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = LazyJsonEncoder.Strict }))
        {
            writer.WriteStartObject();
            writer.WriteString("cniVersion"u8, CniVersion);
            writer.WriteStartArray("supportedVersions"u8);
            foreach (string version in SupportedVersions)
            {
                writer.WriteStringValue(version);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>Version negotiation between a configuration and a plugin.</summary>
public static class VersionNegotiation
{
    /// <summary>
    /// Checks that a plugin supports the configuration's version. Versions compare as values, so
    /// <c>"1.0"</c> matches <c>1.0.0</c>.
    /// </summary>
    /// <param name="configVersionText">The configuration's <c>cniVersion</c> as written.</param>
    /// <param name="supported">The plugin's supported versions.</param>
    /// <returns>The configuration's version.</returns>
    /// <exception cref="CniException">
    /// Not supported: code 1, "incompatible CNI versions", with details naming the configuration's
    /// version and the supported list. Not a version: code 6.
    /// </exception>
    public static CniVersion EnsureSupported(string? configVersionText, IReadOnlyCollection<CniVersion> supported)
    {
        ArgumentNullException.ThrowIfNull(supported);
        if (!CniVersion.TryParse(configVersionText, out CniVersion version) && !string.IsNullOrEmpty(configVersionText))
        {
            throw new CniException(
                CniErrorCode.DecodingFailure,
                $"invalid cniVersion \"{configVersionText}\": expected major.minor.patch such as \"1.0.0\"");
        }

        if (!supported.Contains(version))
        {
            throw new CniException(
                CniErrorCode.IncompatibleVersion,
                "incompatible CNI versions",
                $"config is \"{configVersionText ?? version.ToString()}\", plugin supports {VersionList.Format(supported)}");
        }

        return version;
    }

    /// <summary>
    /// Picks the highest version among candidates (a list's <c>cniVersion</c> and <c>cniVersions</c>),
    /// ignoring versions newer than <paramref name="newestUsable"/>, as the 1.1.0 specification asks.
    /// </summary>
    /// <param name="candidates">The version strings; <see langword="null"/> or empty entries are skipped.</param>
    /// <param name="newestUsable">The newest version the caller implements.</param>
    /// <returns>The highest usable version.</returns>
    /// <exception cref="CniException">An entry is not a version (code 6), or no entry is usable (code 1).</exception>
    public static CniVersion SelectHighest(IEnumerable<string?> candidates, CniVersion newestUsable)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        CniVersion? best = null;
        var seen = new List<string>();
        foreach (string? text in candidates)
        {
            if (string.IsNullOrEmpty(text))
            {
                continue;
            }

            seen.Add(text);
            if (!CniVersion.TryParse(text, out CniVersion v))
            {
                throw new CniException(CniErrorCode.DecodingFailure, $"invalid version \"{text}\" in cniVersion/cniVersions: expected major.minor.patch");
            }

            if (v <= newestUsable && (best is null || v > best))
            {
                best = v;
            }
        }

        if (seen.Count == 0)
        {
            return CniVersion.V0_1_0;
        }

        return best ?? throw new CniException(
            CniErrorCode.IncompatibleVersion,
            "incompatible CNI versions",
            $"config offers {VersionList.Format(seen)}, the newest usable version is \"{newestUsable}\"");
    }
}
