using System.Globalization;
using System.Reflection;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Tests.Docs;

/// <summary>
/// docs/configuration.md cannot drift from the options classes: every settable property of every
/// options class bound from configuration (a <c>*Options</c> class with a <c>SectionName</c>) has a
/// row in its section, with a default, a range and a meaning, and the default written there is the
/// one the code has.
/// </summary>
public sealed class ConfigurationReferenceTests
{
    private static readonly string DocumentPath = Path.Combine(FindRepositoryRoot(), "docs", "configuration.md");

    public static TheoryData<string> OptionsClasses()
    {
        var data = new TheoryData<string>();
        foreach (var type in BoundOptionsTypes())
        {
            data.Add(type.FullName!);
        }

        return data;
    }

    [Fact]
    public void OptionsClasses_FoundByReflection_IncludeEveryKnownSection()
    {
        var sections = BoundOptionsTypes().Select(SectionName).ToHashSet(StringComparer.Ordinal);

        // A floor, so a broken discovery cannot pass by finding nothing.
        Assert.Superset(new HashSet<string>(["Mqtt", "Features", "Alerts", "Storage", "Sync", "Models", "Demo", "Auth", "Https"], StringComparer.Ordinal), sections);
    }

    [Theory]
    [MemberData(nameof(OptionsClasses))]
    public void Document_OptionsClass_HasARowWithDefaultRangeAndMeaningForEverySettableProperty(string typeName)
    {
        var type = BoundOptionsTypes().Single(t => t.FullName == typeName);
        var section = SectionName(type);
        var rows = SectionRows(File.ReadAllText(DocumentPath), section);
        var problems = new List<string>();

        CheckProperties(type, Activator.CreateInstance(type), prefix: "", rows, $"{section}:", problems);

        Assert.True(problems.Count == 0, $"docs/configuration.md, section `{section}`:{Environment.NewLine}" + string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Document_EnvironmentAndSecretFiles_AreExplained()
    {
        var text = File.ReadAllText(DocumentPath);

        Assert.Contains("`Mqtt__BrokerUrl=", text, StringComparison.Ordinal);
        Assert.Contains("WEARABLEEDGE_SITE_KEY", text, StringComparison.Ordinal);
        Assert.Contains("## Where settings come from", text, StringComparison.Ordinal);
        foreach (var fileKey in new[] { "`Sync:SiteKeyFile`", "`Auth:BootstrapAdmin:PasswordFile`", "`Https:PasswordFile`" })
        {
            Assert.Contains(fileKey, text, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Simple values need their own row; a nested options object is documented as
    /// <c>Parent:Child</c>; a dictionary of options as a <c>Name:{key}…</c> row plus a row for each
    /// property of its values anywhere in the section (their defaults depend on the key).
    /// </summary>
    private static void CheckProperties(Type type, object? instance, string prefix, IReadOnlyList<Row> rows, string section, List<string> problems)
    {
        foreach (var property in SettableProperties(type))
        {
            var key = prefix + property.Name;
            var propertyType = property.PropertyType;
            if (IsSimple(propertyType))
            {
                var row = rows.FirstOrDefault(r => r.Keys.Contains($"`{key}`", StringComparison.Ordinal));
                if (row is null)
                {
                    problems.Add($"  {section}{key}: no row (a table row whose first cell has `{key}`).");
                    continue;
                }

                if (row.Cells.Count < 4 || row.Cells.Skip(1).Take(3).Any(string.IsNullOrWhiteSpace))
                {
                    problems.Add($"  {section}{key}: the row needs four filled cells: key | default | range | meaning.");
                    continue;
                }

                if (instance is not null && !DefaultIsWritten(property.GetValue(instance), row.Cells[1]))
                {
                    problems.Add($"  {section}{key}: the code's default {Format(property.GetValue(instance))} is not in the default cell '{row.Cells[1]}'.");
                }
            }
            else if (DictionaryValueType(propertyType) is { } valueType)
            {
                if (!rows.Any(r => r.Keys.Contains($"`{key}:{{", StringComparison.Ordinal)))
                {
                    problems.Add($"  {section}{key}: no row for `{key}:{{…}}:…`.");
                }

                while (DictionaryValueType(valueType) is { } inner)
                {
                    valueType = inner;
                }

                CheckProperties(valueType, instance: null, prefix: "", rows, $"{section}{key}:{{…}}:", problems);
            }
            else
            {
                CheckProperties(propertyType, instance is null ? null : property.GetValue(instance), $"{key}:", rows, section, problems);
            }
        }
    }

    private static bool DefaultIsWritten(object? value, string cell) => value switch
    {
        null => true,
        string { Length: 0 } => cell.Contains("empty", StringComparison.Ordinal),
        _ => cell.Contains($"`{Format(value)}`", StringComparison.Ordinal),
    };

    private static string Format(object? value) => value switch
    {
        null => "null",
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static IEnumerable<PropertyInfo> SettableProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0);

    private static bool IsSimple(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying.IsPrimitive || underlying.IsEnum || underlying == typeof(string) || underlying == typeof(TimeSpan) || underlying == typeof(decimal);
    }

    private static Type? DictionaryValueType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) && type.GetGenericArguments()[0] == typeof(string)
            ? type.GetGenericArguments()[1]
            : null;

    private static IEnumerable<Type> BoundOptionsTypes() =>
        typeof(StorageOptions).Assembly.GetTypes()
            .Where(t => t.IsClass && t.Name.EndsWith("Options", StringComparison.Ordinal) && SectionField(t) is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal);

    private static FieldInfo? SectionField(Type type) =>
        type.GetField("SectionName", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static) is { IsLiteral: true } field ? field : null;

    private static string SectionName(Type type) => (string)SectionField(type)!.GetRawConstantValue()!;

    /// <summary>The table rows under the heading <c>## `section`</c>, up to the next <c>## </c> heading.</summary>
    private static List<Row> SectionRows(string document, string section)
    {
        var lines = document.Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith($"## `{section}`", StringComparison.Ordinal));
        Assert.True(start >= 0, $"docs/configuration.md has no section heading '## `{section}`'.");
        var rows = new List<Row>();
        for (var i = start + 1; i < lines.Length && !lines[i].StartsWith("## ", StringComparison.Ordinal); i++)
        {
            var line = lines[i].Trim();
            if (!line.StartsWith('|') || line.StartsWith("|---", StringComparison.Ordinal) || line.StartsWith("| key", StringComparison.Ordinal))
            {
                continue;
            }

            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToList();
            rows.Add(new Row(cells[0], cells));
        }

        return rows;
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "WearableEdge.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException($"No WearableEdge.sln above {AppContext.BaseDirectory}.");
    }

    private sealed record Row(string Keys, IReadOnlyList<string> Cells);
}
