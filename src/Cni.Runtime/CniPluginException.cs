using Cni.Spec;

namespace Cni.Runtime;

/// <summary>
/// A plugin of a list failed, could not be found or run, or printed something that is not a result:
/// the specification's error object (code, message, details) with the plugin and the verb named.
/// </summary>
/// <remarks>
/// The code is the plugin's own when it printed an error object; otherwise 999 (internal), or 11 (try
/// again later) when the plugin was killed at the timeout. <see cref="Exception.Message"/> reads
/// <c>plugin type="bridge" name="mynet" failed (ADD): &lt;the plugin's message&gt;</c>.
/// </remarks>
public sealed class CniPluginException : CniException
{
    /// <summary>Creates the error of one plugin call.</summary>
    /// <param name="pluginType">The plugin's <c>type</c>.</param>
    /// <param name="networkName">The network's name.</param>
    /// <param name="command">The verb: ADD, CHECK, DEL, STATUS, GC or VERSION.</param>
    /// <param name="error">The plugin's error object (or one describing how it failed).</param>
    /// <param name="innerException">The cause, if any.</param>
    public CniPluginException(string pluginType, string networkName, string command, CniError error, Exception? innerException = null)
        : base(
            (error ?? throw new ArgumentNullException(nameof(error))).Code,
            $"plugin type=\"{pluginType}\" name=\"{networkName}\" failed ({command}): {error.Message}",
            error.Details,
            innerException)
    {
        PluginType = pluginType;
        NetworkName = networkName;
        Command = command;
        Error = error;
    }

    /// <summary>The plugin's <c>type</c>.</summary>
    public string PluginType { get; }

    /// <summary>The network's name.</summary>
    public string NetworkName { get; }

    /// <summary>The verb that failed.</summary>
    public string Command { get; }

    /// <summary>The error object as the plugin printed it (or as it was made for a plugin that printed none).</summary>
    public CniError Error { get; }
}
