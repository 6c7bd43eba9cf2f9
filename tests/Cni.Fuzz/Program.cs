using Cni.Fuzz;

// Cni.Fuzz <target>                       under afl-fuzz: SharpFuzz's fork server runs the target on each input
// Cni.Fuzz --list                         the target names, one a line
// Cni.Fuzz --replay <target> <path>...    runs files (or every file of directories) once, uninstrumented;
//                                         prints each input that breaks the property and exits 1 if any did
if (args is ["--list"])
{
    foreach (FuzzTarget t in Targets.All)
    {
        Console.WriteLine($"{t.Name}\t{t.Description}");
    }

    return 0;
}

if (args is ["--triage", var triageTarget, .. var triagePaths])
{
    // Groups the inputs that break the property by exception type and the first frame in the project's code.
    FuzzTarget target = Targets.Get(triageTarget);
    var groups = new SortedDictionary<string, (int Count, string Example, string Message)>(StringComparer.Ordinal);
    foreach (string file in triagePaths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) : [p]))
    {
        try
        {
            target.Execute(File.ReadAllBytes(file));
        }
        catch (Exception e)
        {
            string frame = e.StackTrace?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("at Cni.", StringComparison.Ordinal) && !l.Contains("Cni.Fuzz", StringComparison.Ordinal)) ?? "?";
            string key = $"{e.GetType().Name} {frame}";
            groups[key] = groups.TryGetValue(key, out var g) ? (g.Count + 1, g.Example, g.Message) : (1, file, e.Message);
        }
    }

    foreach ((string key, (int count, string example, string message)) in groups)
    {
        Console.WriteLine($"{count,5} {key}\n      {message}\n      e.g. {example}");
    }

    return groups.Count == 0 ? 0 : 1;
}

if (args is ["--replay", var replayTarget, .. var paths])
{
    FuzzTarget target = Targets.Get(replayTarget);
    int bad = 0, count = 0;
    foreach (string file in paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) : [p]))
    {
        count++;
        try
        {
            target.Execute(File.ReadAllBytes(file));
        }
        catch (Exception e)
        {
            bad++;
            Console.WriteLine($"{file}: {e.GetType().Name}: {e.Message}");
        }
    }

    Console.WriteLine($"{target.Name}: {count} inputs, {bad} broke the property");
    return bad == 0 ? 0 : 1;
}

if (args is [var name])
{
    FuzzTarget target = Targets.Get(name);
    SharpFuzz.Fuzzer.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        target.Execute(buffer.ToArray());
    });
    return 0;
}

Console.Error.WriteLine("usage: Cni.Fuzz <target> | --list | --replay <target> <file or directory>...");
return 2;
