using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cni.Skel;
using Cni.Spec;

namespace Cni.Plugins.Flannel;

/// <summary>
/// The flannel meta plugin: reads the node's lease from flanneld's <c>subnet.env</c>, renders the
/// configuration of a delegate plugin (the bridge by default, with host-local IPAM over this node's
/// subnet and routes to the cluster networks), saves it byte for byte as the reference does, and
/// delegates to it.
/// </summary>
/// <remarks>
/// The saved file (<c>&lt;dataDir&gt;/&lt;containerID&gt;</c>) has the exact bytes of the Go plugin, so either
/// plugin's DEL undoes the other's ADD. Unlike the reference: a failed delegate ADD removes the saved
/// file; DEL removes it only after the delegate's DEL succeeded and, when it cannot be read as a
/// configuration, deletes with one rendered from the current configuration instead of leaking; CHECK,
/// STATUS and GC do real work.
/// </remarks>
internal sealed class FlannelPlugin : ICniPlugin
{
    public PluginInfo Info { get; } = new(BuildInfo.About("flannel"), CniVersion.All);

    public CniResult Add(AddRequest request)
    {
        FlannelConfig config = FlannelConfig.From(request);
        (string type, byte[] delegateConfig) = Render(config, SubnetEnv.Load(config.SubnetFile));
        request.Log.WriteLine("delegateAdd: netconf sent to delegate plugin:");
        request.Log.WriteLine(Encoding.UTF8.GetString(delegateConfig));

        var saved = new SavedConfigs(config.DataDir);
        saved.Save(request.ContainerId, delegateConfig);
        bool success = false;
        try
        {
            CniResult result = request.Delegate.Add(type, delegateConfig);
            success = true;
            return result;
        }
        finally
        {
            if (!success)
            {
                // The delegate undid its own work; nothing of this attachment is left for a DEL to replay.
                saved.Remove(request.ContainerId);
            }
        }
    }

    public void Delete(DeleteRequest request)
    {
        FlannelConfig config = FlannelConfig.From(request);
        var saved = new SavedConfigs(config.DataDir);
        byte[]? delegateConfig = saved.Read(request.ContainerId);
        if (delegateConfig is null)
        {
            return;
        }

        if (SavedType(delegateConfig, out string? problem) is not string type)
        {
            request.Log.WriteLine(
                $"the saved delegate configuration {saved.PathOf(request.ContainerId)} is unusable ({problem}); deleting with one rendered from the current configuration and {config.SubnetFile}");
            (type, delegateConfig) = Render(config, SubnetEnv.Load(config.SubnetFile));
        }

        request.Delegate.Delete(type, delegateConfig);
        saved.Remove(request.ContainerId);
    }

    public void Check(CheckRequest request)
    {
        _ = request.RequirePrevResult();
        FlannelConfig config = FlannelConfig.From(request);
        RenderedDelegate rendered = config.RenderDelegate(SubnetEnv.Load(config.SubnetFile));
        byte[] expected = rendered.ToBytes();
        var saved = new SavedConfigs(config.DataDir);
        byte[] actual = saved.Read(request.ContainerId)
            ?? throw new CniException(CniErrorCode.Internal, $"no saved delegate configuration {saved.PathOf(request.ContainerId)}: container {request.ContainerId} was not added to network {config.Name}, or was deleted");
        if (!actual.AsSpan().SequenceEqual(expected))
        {
            throw new CniException(
                CniErrorCode.Internal,
                $"the saved delegate configuration {saved.PathOf(request.ContainerId)} differs from what flannel renders now from the configuration and {config.SubnetFile}",
                $"saved: {Encoding.UTF8.GetString(actual)}; now: {Encoding.UTF8.GetString(expected)}");
        }

        rendered.Json["prevResult"] = config.Root["prevResult"]!.DeepClone();
        request.Delegate.Check(rendered.Type, rendered.ToBytes());
    }

    public void Status(StatusRequest request)
    {
        FlannelConfig config = FlannelConfig.From(request);
        SubnetEnv env;
        try
        {
            env = SubnetEnv.Load(config.SubnetFile);
        }
        catch (CniException e)
        {
            throw new CniException(CniErrorCode.PluginNotAvailable, e.Message, e.Details, e);
        }

        (string type, byte[] delegateConfig) = Render(config, env);
        request.Delegate.Status(type, delegateConfig);
    }

    public void GarbageCollect(GcRequest request)
    {
        FlannelConfig config = FlannelConfig.From(request);
        RenderedDelegate rendered = config.RenderDelegate(SubnetEnv.Load(config.SubnetFile));
        foreach (string key in (string[])["cni.dev/valid-attachments", "cni.dev/attachments"])
        {
            if (config.Root.TryGetPropertyValue(key, out JsonNode? attachments))
            {
                rendered.Json[key] = attachments?.DeepClone();
            }
        }

        request.Delegate.GarbageCollect(rendered.Type, rendered.ToBytes());

        // After the delegate released their resources: their saved files have nothing left to undo.
        var valid = request.ValidAttachments.Select(a => a.ContainerId).ToHashSet(StringComparer.Ordinal);
        foreach (string removed in new SavedConfigs(config.DataDir).RemoveAllBut(valid))
        {
            request.Log.WriteLine($"GC: removed the saved delegate configuration of container {removed}");
        }
    }

    private static (string Type, byte[] Config) Render(FlannelConfig config, SubnetEnv env)
    {
        RenderedDelegate rendered = config.RenderDelegate(env);
        return (rendered.Type, rendered.ToBytes());
    }

    // The delegate's type from a saved configuration, or null (with the problem) when it cannot be used.
    private static string? SavedType(byte[] saved, out string? problem)
    {
        problem = null;
        try
        {
            if (JsonNode.Parse(saved) is JsonObject obj && obj["type"] is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            {
                string type = v.GetValue<string>();
                ConfigRules.ValidateType(type);
                return type;
            }

            problem = "not a JSON object with a string \"type\"";
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or CniException)
        {
            problem = e.Message;
        }

        return null;
    }
}
