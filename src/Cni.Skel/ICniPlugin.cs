using Cni.Spec;

namespace Cni.Skel;

/// <summary>
/// A CNI plugin: one method per verb. Implement it and call <see cref="CniPlugin.Run(ICniPlugin, string[])"/>
/// from <c>Main</c>; the dispatcher handles the environment, stdin, versions, output and errors.
/// </summary>
/// <remarks>
/// <para>
/// Throw a <see cref="CniException"/> with the code that fits to fail a verb; any other exception
/// is reported as an internal error (code 999). Never write to stdout: the dispatcher owns it.
/// Log to <see cref="CniRequest.Log"/> (stderr).
/// </para>
/// <para>
/// Verbs and the specification versions that introduced them: ADD and DEL (0.1.0), VERSION (0.2.0,
/// answered by the dispatcher from <see cref="Info"/>), CHECK (0.4.0), STATUS and GC (1.1.0). The
/// dispatcher refuses CHECK below 0.4.0 and STATUS/GC below 1.1.0 before calling the plugin.
/// See https://www.cni.dev/docs/spec/ for each verb's contract.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// public sealed class MyPlugin : ICniPlugin
/// {
///     public PluginInfo Info { get; } = new("CNI my-plugin v1.0", CniVersion.All);
///     public CniResult Add(AddRequest request) =&gt; request.PrevResult ?? new CniResult();
///     public void Delete(DeleteRequest request) { }
///     public void Check(CheckRequest request) { }
/// }
///
/// // Program.cs
/// return CniPlugin.Run(new MyPlugin(), args);
/// </code>
/// </example>
public interface ICniPlugin
{
    /// <summary>The about text and the versions the plugin supports.</summary>
    PluginInfo Info { get; }

    /// <summary>ADD (spec 0.1.0): attach the container to the network and return the result.</summary>
    /// <param name="request">The request; its namespace path is always set.</param>
    /// <returns>The result, in the current model; the dispatcher writes it in the configuration's version.</returns>
    CniResult Add(AddRequest request);

    /// <summary>
    /// DEL (spec 0.1.0): release what ADD created. It must succeed when things are already gone, and
    /// when called more than once.
    /// </summary>
    /// <param name="request">The request; its namespace path may be absent.</param>
    void Delete(DeleteRequest request);

    /// <summary>CHECK (spec 0.4.0): verify the attachment is as ADD left it; throw when it is not.</summary>
    /// <param name="request">The request, with the previous result.</param>
    void Check(CheckRequest request);

    /// <summary>
    /// STATUS (spec 1.1.0): throw <see cref="CniException"/> with code 50 or 51 when the plugin cannot
    /// serve ADD. The default reports ready.
    /// </summary>
    /// <param name="request">The request.</param>
    void Status(StatusRequest request)
    {
    }

    /// <summary>
    /// GC (spec 1.1.0): release resources of every attachment that is not in
    /// <see cref="GcRequest.ValidAttachments"/>. The default releases nothing. It is called only when the
    /// runtime named the valid set; GC without either attachments key succeeds without calling it.
    /// </summary>
    /// <param name="request">The request.</param>
    void GarbageCollect(GcRequest request)
    {
    }
}

/// <summary>What a plugin says about itself: the about text and its supported versions.</summary>
public sealed class PluginInfo
{
    /// <summary>Creates plugin information.</summary>
    /// <param name="about">
    /// A line printed on stderr when the plugin runs without CNI_COMMAND, for example
    /// <c>"CNI bridge plugin v1.0"</c>.
    /// </param>
    /// <param name="supportedVersions">The versions the plugin supports; usually <see cref="CniVersion.All"/>.</param>
    public PluginInfo(string about, IEnumerable<CniVersion> supportedVersions)
    {
        ArgumentNullException.ThrowIfNull(about);
        ArgumentNullException.ThrowIfNull(supportedVersions);
        About = about;
        SupportedVersions = [.. supportedVersions.Distinct().Order()];
        if (SupportedVersions.Count == 0)
        {
            throw new ArgumentException("a plugin supports at least one version", nameof(supportedVersions));
        }
    }

    /// <summary>The about text.</summary>
    public string About { get; }

    /// <summary>The supported versions, oldest first.</summary>
    public IReadOnlyList<CniVersion> SupportedVersions { get; }
}
