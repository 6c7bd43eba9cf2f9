using System.Text.Json;

namespace Cni.Spec;

/// <summary>Reads one key of a plugin's settings into <paramref name="settings"/>; see <see cref="NetworkConfig.ReadSettings{T}(T, SettingsReader{T})"/>.</summary>
/// <typeparam name="T">The settings type.</typeparam>
/// <param name="settings">The object being filled.</param>
/// <param name="value">The key and its value; read it with one of its methods, or leave it to be skipped.</param>
public delegate void SettingsReader<in T>(T settings, ref SettingsValue value);

/// <summary>Reads one entry of an array with the getters of <paramref name="value"/>; see <see cref="SettingsValue.GetArray{T}(SettingsEntryReader{T}, string)"/>.</summary>
/// <typeparam name="T">The entries' type.</typeparam>
/// <param name="value">The entry (its <see cref="SettingsValue.Path"/> names the index).</param>
/// <returns>The entry as read.</returns>
public delegate T SettingsEntryReader<out T>(ref SettingsValue value);

/// <summary>
/// One key of a plugin's settings and its value, read by hand: each getter checks the JSON type and
/// fails as <see cref="NetworkConfig.GetSettings{T}(System.Text.Json.Serialization.Metadata.JsonTypeInfo{T})"/>
/// does (code 6, "key K has value V, which is not T", naming the full key).
/// </summary>
/// <remarks>
/// Reading by hand costs a plugin a few thousand instructions where building source-generated metadata
/// for its settings type costs millions (callgrind): that is the whole of a plugin's start-up.
/// </remarks>
public ref struct SettingsValue
{
    private readonly ReadOnlySpan<byte> _source;
    private Utf8JsonReader _reader;
    private bool _consumed;

    internal SettingsValue(ReadOnlySpan<byte> source, Utf8JsonReader reader, string key, string path)
    {
        _source = source;
        _reader = reader;
        Key = key;
        Path = path;
    }

    /// <summary>The key, unescaped, exactly as written (keys match case-sensitively).</summary>
    public string Key { get; }

    /// <summary>The key's place in the configuration as the serializer writes it, such as <c>$.vlanTrunk[0].minID</c>.</summary>
    public string Path { get; }

    /// <summary>Whether the value is JSON <c>null</c>.</summary>
    public readonly bool IsNull => _reader.TokenType == JsonTokenType.Null;

    internal readonly Utf8JsonReader Reader => _reader;

    internal readonly bool Consumed => _consumed;

    /// <summary>Reads a string; <c>null</c> is <see langword="null"/>.</summary>
    /// <returns>The string.</returns>
    /// <exception cref="CniException">Any other JSON type (code 6).</exception>
    public string? GetString()
    {
        _consumed = true;
        return JsonReading.String(ref _reader, _source, Path, What);
    }

    /// <summary>Reads a boolean (<c>true</c> or <c>false</c>, never a string).</summary>
    /// <returns>The value.</returns>
    /// <exception cref="CniException">Any other JSON type, <c>null</c> included (code 6).</exception>
    public bool GetBoolean()
    {
        _consumed = true;
        return JsonReading.Boolean(ref _reader, _source, Path, What);
    }

    /// <summary>Reads a boolean; <c>null</c> is <see langword="null"/>.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="CniException">Any other JSON type (code 6).</exception>
    public bool? GetNullableBoolean()
    {
        _consumed = true;
        return JsonReading.NullableBoolean(ref _reader, _source, Path, What);
    }

    /// <summary>Reads a 32-bit integer (a JSON number without fraction or exponent, in range).</summary>
    /// <returns>The value.</returns>
    /// <exception cref="CniException">Any other value, <c>null</c> included (code 6).</exception>
    public int GetInt32()
    {
        _consumed = true;
        if (_reader.TokenType == JsonTokenType.Number && _reader.TryGetInt32(out int value))
        {
            return value;
        }

        if (_reader.TokenType == JsonTokenType.Null)
        {
            throw JsonReading.NullFor(_source, _reader, Path, "System.Int32", "a number", What);
        }

        throw JsonReading.WrongType(_source, _reader, Path, "System.Int32", "an integer", What);
    }

    /// <summary>Reads a 32-bit integer; <c>null</c> is <see langword="null"/>.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="CniException">Any other value (code 6).</exception>
    public int? GetNullableInt32()
    {
        _consumed = true;
        if (_reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        return _reader.TokenType == JsonTokenType.Number && _reader.TryGetInt32(out int value)
            ? value
            : throw JsonReading.WrongType(_source, _reader, Path, "System.Nullable`1[System.Int32]", "an integer", What);
    }

    /// <summary>Reads an object key by key into a new settings object; <c>null</c> is <see langword="null"/>.</summary>
    /// <typeparam name="T">The object's settings type.</typeparam>
    /// <param name="create">Creates the object.</param>
    /// <param name="read">Reads each of its keys; keys it does not read are skipped.</param>
    /// <param name="typeName">The type's name in errors ("which is not of the expected type (typeName)").</param>
    /// <returns>The object.</returns>
    /// <exception cref="CniException">The value is not an object, or a key inside has the wrong type (code 6).</exception>
    public T? GetObject<T>(Func<T> create, SettingsReader<T> read, string typeName)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(read);
        _consumed = true;
        if (_reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (_reader.TokenType != JsonTokenType.StartObject)
        {
            throw JsonReading.WrongType(_source, _reader, Path, typeName, $"of the expected type ({typeName[(typeName.LastIndexOf('.') + 1)..]})", What);
        }

        T target = create();
        NetworkConfigReader.ReadMembers(_source, ref _reader, Path, target, read);
        return target;
    }

    /// <summary>Reads an array of objects; <c>null</c> is <see langword="null"/>, and so is a <c>null</c> entry.</summary>
    /// <typeparam name="T">The entries' settings type.</typeparam>
    /// <param name="create">Creates an entry.</param>
    /// <param name="read">Reads each key of an entry.</param>
    /// <param name="typeName">The entry type's full name in errors, such as <c>MyPlugin.TrunkSetting</c>.</param>
    /// <returns>The entries.</returns>
    /// <exception cref="CniException">The value is not an array, an entry is not an object, or a key inside has the wrong type (code 6).</exception>
    public List<T?>? GetArrayOfObjects<T>(Func<T> create, SettingsReader<T> read, string typeName)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(read);
        _consumed = true;
        if (_reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (_reader.TokenType != JsonTokenType.StartArray)
        {
            throw JsonReading.WrongType(_source, _reader, Path, $"System.Collections.Generic.List`1[{typeName}]", "an array", What);
        }

        var list = new List<T?>();
        while (_reader.Read() && _reader.TokenType != JsonTokenType.EndArray)
        {
            var entry = new SettingsValue(_source, _reader, Key, JsonReading.Index(Path, list.Count));
            list.Add(entry.GetObject(create, read, typeName));
            _reader = entry._reader;
        }

        return list;
    }

    /// <summary>Reads an array, each entry with <paramref name="readEntry"/>; <c>null</c> is <see langword="null"/>.</summary>
    /// <typeparam name="T">The entries' type.</typeparam>
    /// <param name="readEntry">Reads one entry (a <c>null</c> entry included) with the getters of the value it is given.</param>
    /// <param name="entryTypeName">The entry type's full name in errors, such as <c>System.String</c> or <c>System.Collections.Generic.List`1[MyPlugin.Range]</c>.</param>
    /// <returns>The entries.</returns>
    /// <exception cref="CniException">The value is not an array, or an entry is refused by <paramref name="readEntry"/> (code 6).</exception>
    public List<T>? GetArray<T>(SettingsEntryReader<T> readEntry, string entryTypeName)
    {
        ArgumentNullException.ThrowIfNull(readEntry);
        _consumed = true;
        if (_reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (_reader.TokenType != JsonTokenType.StartArray)
        {
            throw JsonReading.WrongType(_source, _reader, Path, $"System.Collections.Generic.List`1[{entryTypeName}]", "an array", What);
        }

        var list = new List<T>();
        while (_reader.Read() && _reader.TokenType != JsonTokenType.EndArray)
        {
            var entry = new SettingsValue(_source, _reader, Key, JsonReading.Index(Path, list.Count));
            list.Add(readEntry(ref entry));
            _reader = entry._reader;
            if (!entry._consumed)
            {
                _reader.Skip();
            }
        }

        return list;
    }

    private const string What = "network configuration";
}
