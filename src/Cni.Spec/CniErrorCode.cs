namespace Cni.Spec;

/// <summary>
/// The well-known error codes of the CNI specification (section "Error"). Codes 0 to 99 are
/// reserved for the specification; plugins use 100 and above for their own errors.
/// </summary>
/// <remarks>
/// The numeric value is what travels in the <c>code</c> field of an error object. Values that are
/// not listed here are still valid codes: cast any <see cref="int"/> to this type.
/// </remarks>
public enum CniErrorCode
{
    /// <summary>No specific code (the Go library's <c>ErrUnknown</c>; not part of the specification).</summary>
    Unknown = 0,

    /// <summary>Incompatible CNI version (since 0.1.0).</summary>
    IncompatibleVersion = 1,

    /// <summary>Unsupported field in the network configuration; the message names the key and value (since 0.2.0).</summary>
    UnsupportedField = 2,

    /// <summary>The container is unknown or does not exist; the runtime need not clean up (since 0.4.0).</summary>
    UnknownContainer = 3,

    /// <summary>Invalid necessary environment variables; the message names them (since 1.0.0).</summary>
    InvalidEnvironmentVariables = 4,

    /// <summary>An I/O failure, such as failing to read the network configuration from stdin (since 1.0.0).</summary>
    IOFailure = 5,

    /// <summary>Failed to decode content, such as JSON or a version string (since 1.0.0).</summary>
    DecodingFailure = 6,

    /// <summary>Invalid network configuration (since 1.0.0).</summary>
    InvalidNetworkConfig = 7,

    /// <summary>The network namespace is invalid, for example the plugin's own (the Go library's <c>ErrInvalidNetNS</c>; not part of the specification).</summary>
    InvalidNetNS = 8,

    /// <summary>Try again later: a transient condition prevented the operation (since 0.4.0).</summary>
    TryAgainLater = 11,

    /// <summary>STATUS: the plugin is not available and cannot service ADD requests (since 1.1.0).</summary>
    PluginNotAvailable = 50,

    /// <summary>STATUS: the plugin is not available, and existing containers may have limited connectivity (since 1.1.0).</summary>
    PluginNotAvailableLimitedConnectivity = 51,

    /// <summary>The first code free for plugin-specific errors.</summary>
    PluginSpecificStart = 100,

    /// <summary>An internal error: any failure that was not raised as a <see cref="CniException"/> (the Go library's <c>ErrInternal</c>).</summary>
    Internal = 999,
}
