using Cni.Tools.CniTool;

return await CniToolCommand.RunAsync(args).ConfigureAwait(false);
