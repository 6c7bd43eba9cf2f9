using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using System.Xml.Linq;
using Cni.Tests;

namespace Cni.Packaging.Tests;

/// <summary>
/// The packed packages as a consumer and a debugger see them: every library of src/ packed at one version,
/// each with its README (showing code), the license, the XML docs beside the assembly, the repository and
/// the commit it was built from, a deterministic assembly, and a symbol package whose PDB carries Source
/// Link data pointing at that commit. The packages are the ones eng/pack.sh made (the test command packs
/// before the tests run); packages of another commit are refused rather than checked.
/// </summary>
public sealed class PackageContentTests
{
    private const string CanonicalRepository = "https://github.com/cni-libraries/Cni.Libraries";

    // The Source Link custom debug information record of portable PDBs.
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

    private static string PackageDir => Path.Combine(RepoPaths.Root, "artifacts", "packages");

    /// <summary>The libraries of src/ (src/&lt;Name&gt;/&lt;Name&gt;.csproj that are not marked unpackable).</summary>
    public static TheoryData<string> Libraries()
    {
        var data = new TheoryData<string>();
        foreach (string project in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "*.csproj", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string relative = Path.GetRelativePath(Path.Combine(RepoPaths.Root, "src"), project);
            if (relative.Split(Path.DirectorySeparatorChar).Length == 2 && !File.ReadAllText(project).Contains("<IsPackable>false</IsPackable>", StringComparison.Ordinal))
            {
                data.Add(Path.GetFileNameWithoutExtension(project));
            }
        }

        return data;
    }

    private static string PackedVersion()
    {
        string file = Path.Combine(PackageDir, "version.txt");
        if (!File.Exists(file))
        {
            Requires.Unavailable($"{file} is missing: run eng/pack.sh (the test command does)");
        }

        string version = File.ReadAllText(file).Trim();
        string head = Git("rev-parse", "--short=12", "HEAD");
        if (version.Contains("-dev.", StringComparison.Ordinal) && !version.EndsWith("." + head, StringComparison.Ordinal))
        {
            Requires.Unavailable($"the packages in {PackageDir} ({version}) were packed from another commit than HEAD ({head}): run eng/pack.sh");
        }

        return version;
    }

    private static string Git(params string[] arguments)
    {
        ProcessResult git = Processes.Run("/usr/bin/git", new Dictionary<string, string?>(), args: ["-C", RepoPaths.Root, .. arguments]);
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', arguments)} failed: {git.Stderr}");
        return git.Stdout.Trim();
    }

    private static ZipArchive Open(string id, string extension)
    {
        string path = Path.Combine(PackageDir, $"{id}.{PackedVersion()}.{extension}");
        Assert.True(File.Exists(path), $"{path} is missing: every library of src/ is packed, with symbols");
        return ZipFile.OpenRead(path);
    }

    private static XElement Nuspec(ZipArchive package, string id)
    {
        ZipArchiveEntry entry = package.GetEntry($"{id}.nuspec") ?? throw new Xunit.Sdk.XunitException($"{id}.nuspec is missing from the package");
        using Stream stream = entry.Open();
        XElement metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        return metadata;
    }

    private static string? Field(XElement metadata, string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    private static byte[] Read(ZipArchive package, string path)
    {
        ZipArchiveEntry entry = package.GetEntry(path) ?? throw new Xunit.Sdk.XunitException($"{path} is missing from the package");
        using Stream stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    [Theory]
    [MemberData(nameof(Libraries))]
    public void The_package_names_itself_its_version_license_and_source(string id)
    {
        string version = PackedVersion();
        using ZipArchive package = Open(id, "nupkg");
        XElement metadata = Nuspec(package, id);
        Assert.Equal(id, Field(metadata, "id"));
        Assert.Equal(version, Field(metadata, "version"));
        Assert.False(string.IsNullOrWhiteSpace(Field(metadata, "description")), "a package needs a description");
        XElement license = metadata.Elements().Single(e => e.Name.LocalName == "license");
        Assert.Equal("expression", license.Attribute("type")?.Value);
        Assert.Equal("Apache-2.0", license.Value);
        Assert.Equal(CanonicalRepository, Field(metadata, "projectUrl"));
        XElement repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.Equal("git", repository.Attribute("type")?.Value);
        Assert.Equal(CanonicalRepository, repository.Attribute("url")?.Value);
        Assert.Equal(Git("rev-parse", "HEAD"), repository.Attribute("commit")?.Value);
    }

    [Theory]
    [MemberData(nameof(Libraries))]
    public void The_package_carries_a_readme_with_code_the_assembly_and_its_xml_docs(string id)
    {
        using ZipArchive package = Open(id, "nupkg");
        Assert.Equal("README.md", Field(Nuspec(package, id), "readme"));
        string readme = System.Text.Encoding.UTF8.GetString(Read(package, "README.md"));
        Assert.Contains("```csharp", readme, StringComparison.Ordinal);

        byte[] assembly = Read(package, $"lib/net10.0/{id}.dll");
        XDocument docs = XDocument.Parse(System.Text.Encoding.UTF8.GetString(Read(package, $"lib/net10.0/{id}.xml")));
        Assert.Equal(id, docs.Root!.Element("assembly")?.Element("name")?.Value);
        int documented = docs.Root.Element("members")?.Elements("member").Count() ?? 0;
        Assert.True(documented >= 10, $"the XML docs of {id} describe {documented} members");

        // Deterministic: the compiler marks the assembly reproducible (its identity is a hash of its inputs).
        using var pe = new PEReader(new MemoryStream(assembly));
        Assert.Contains(pe.ReadDebugDirectory(), e => e.Type == DebugDirectoryEntryType.Reproducible);
    }

    [Theory]
    [MemberData(nameof(Libraries))]
    public void The_symbol_package_has_source_link_to_the_commit(string id)
    {
        string commit = Git("rev-parse", "HEAD");
        using ZipArchive symbols = Open(id, "snupkg");
        byte[] pdb = Read(symbols, $"lib/net10.0/{id}.pdb");
        using MetadataReaderProvider provider = MetadataReaderProvider.FromPortablePdbImage(System.Collections.Immutable.ImmutableArray.Create(pdb));
        MetadataReader reader = provider.GetMetadataReader();
        byte[]? sourceLink = null;
        foreach (CustomDebugInformationHandle handle in reader.CustomDebugInformation)
        {
            CustomDebugInformation info = reader.GetCustomDebugInformation(handle);
            if (reader.GetGuid(info.Kind) == SourceLinkKind)
            {
                sourceLink = reader.GetBlobBytes(info.Value);
            }
        }

        Assert.True(sourceLink is not null, $"{id}.pdb has no Source Link record");
        using JsonDocument map = JsonDocument.Parse(sourceLink);
        string[] targets = map.RootElement.GetProperty("documents").EnumerateObject().Select(p => p.Value.GetString()!).ToArray();
        Assert.Contains($"https://raw.githubusercontent.com/cni-libraries/Cni.Libraries/{commit}/*", targets);

        // Every source document of the library is under a mapped path, so a debugger can fetch each one.
        string[] prefixes = map.RootElement.GetProperty("documents").EnumerateObject().Select(p => p.Name.TrimEnd('*')).ToArray();
        foreach (DocumentHandle handle in reader.Documents)
        {
            string name = reader.GetString(reader.GetDocument(handle).Name);
            if (name.EndsWith(".cs", StringComparison.Ordinal) && !name.Contains("/obj/", StringComparison.Ordinal) && !name.Contains("/artifacts/", StringComparison.Ordinal))
            {
                Assert.True(prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)), $"{name} is not covered by the Source Link map [{string.Join(", ", prefixes)}]");
            }
        }
    }

    [Fact]
    public void One_version_for_the_whole_set_from_one_place()
    {
        string version = PackedVersion();
        string prefix = XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Build.props")).Descendants("VersionPrefix").Single().Value;
        Assert.True(version == prefix || version.StartsWith(prefix + "-dev.", StringComparison.Ordinal), $"packed {version}, the version prefix is {prefix}");
        string[] packed = Directory.EnumerateFiles(PackageDir, "*.nupkg").Select(Path.GetFileName).ToArray()!;
        Assert.All(packed, name => Assert.EndsWith($".{version}.nupkg", name, StringComparison.Ordinal));
        Assert.Contains($"## {prefix}", File.ReadAllText(Path.Combine(RepoPaths.Root, "CHANGELOG.md")), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Libraries))]
    public void Dependencies_on_our_packages_are_on_the_same_version(string id)
    {
        string version = PackedVersion();
        using ZipArchive package = Open(id, "nupkg");
        IEnumerable<XElement> dependencies = Nuspec(package, id).Descendants().Where(e => e.Name.LocalName == "dependency");
        foreach (XElement dependency in dependencies.Where(d => d.Attribute("id")!.Value.StartsWith("Cni.", StringComparison.Ordinal)))
        {
            Assert.Equal(version, dependency.Attribute("version")?.Value);
        }
    }
}
