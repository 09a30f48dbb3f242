using System.Text.Json;
using Forge.Contracts.Data;
using Forge.Contracts.Plugins;
using Parquet;
using Parquet.Schema;
using Parquet.Serialization;

namespace Forge.Plugins.Tasks;

/// <summary>
/// Streams a Parquet file's rows one row group at a time (Parquet.Net's untyped reader assembles lists, structs and
/// maps; the nulls it leaves out come back as JSON null), so memory holds one row group whatever the file's size. The
/// schema is checked against the column mapping before any row is read: a missing column or one of the wrong type is
/// one error naming the file and column.
/// </summary>
internal static class ParquetFile
{
    private static readonly JsonElement Null = JsonDocument.Parse("null").RootElement.Clone();

    public static IEnumerable<DatasetRow> Read(string path, ColumnMapping mapping)
    {
        using var stream = InputFile.OpenRead(path, "dataset");
        using var levels = InputFile.OpenRead(path, "dataset");
        var reader = Open(levels, path);
        try
        {
            var schema = reader.Schema;
            var names = schema.Fields.Select(f => f.Name).ToList();
            Check(path, schema, mapping, names);
            var needed = mapping.Needed(names);
            var kept = needed is null ? names : names.Where(needed.Contains).ToList();
            var lists = schema.Fields.OfType<ListField>().Where(l => kept.Contains(l.Name)).ToList();
            string file = Path.GetFileName(path);
            long number = 0;
            for (int group = 0; group < reader.RowGroupCount; group++)
            {
                var rows = ReadGroup(stream, reader, lists, path, group);
                for (int i = 0; i < rows.Count; i++, number++)
                {
                    var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                    foreach (string name in kept)
                        values[name] = rows[i].TryGetValue(name, out var value) ? ParquetValue.ToJson(value) : Null;
                    rows[i] = null!; // the group's rows go as they are handed out
                    yield return new DatasetRow(file, $"{path}: row group {group}, row {i}", number, values);
                }
            }
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static ParquetReader Open(Stream stream, string path)
    {
        try
        {
            return ParquetReader.CreateAsync(stream, leaveStreamOpen: true).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new PluginInputException($"{path}: not a readable Parquet file ({Describe(ex)})", ex);
        }
    }

    private static IList<Dictionary<string, object>> ReadGroup(Stream stream, ParquetReader reader, List<ListField> lists, string path, int group)
    {
        try
        {
            stream.Position = 0;
            var rows = ParquetSerializer.DeserializeUntypedAsync(stream, rowGroupIndex: group).GetAwaiter().GetResult().Data;
            foreach (var list in lists)
                if (rows.Any(r => !r.ContainsKey(list.Name))) RestoreEmptyLists(reader, group, list, rows);
            return rows;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new PluginInputException($"{path}: row group {group}: cannot read ({Describe(ex)})", ex);
        }
    }

    /// <summary>
    /// The untyped reader leaves out an empty list as it does a null one; the definition level of the list's first
    /// leaf value in each row tells them apart: one below the list's (which counts its repeated element) means the
    /// list is there but has no element; lower, that it is null.
    /// </summary>
    private static void RestoreEmptyLists(ParquetReader reader, int group, ListField list, IList<Dictionary<string, object>> rows)
    {
        var leaf = FirstLeaf(list);
        using var rowGroup = reader.OpenRowGroupReader(group);
        using var raw = rowGroup.ReadRawColumnDataBaseAsync(leaf).GetAwaiter().GetResult();
        var definitions = raw.DefinitionLevels;
        var repetitions = raw.RepetitionLevels;
        int row = -1;
        for (int i = 0; i < definitions.Length && row < rows.Count; i++)
        {
            if (repetitions[i] != 0) continue;
            row++;
            if (row < rows.Count && definitions[i] == list.MaxDefinitionLevel - 1 && !rows[row].ContainsKey(list.Name)) rows[row][list.Name] = Array.Empty<object>();
        }
    }

    private static DataField FirstLeaf(Field field) => field switch
    {
        DataField data => data,
        ListField list => FirstLeaf(list.Item),
        StructField structure => FirstLeaf(structure.Fields[0]),
        MapField map => FirstLeaf(map.Key),
        _ => throw new InvalidDataException($"column {field.Name}: no leaf field"),
    };

    /// <summary>Every mapped column exists; the prompt is text, the answer and id text or numbers, none of them lists.</summary>
    private static void Check(string path, ParquetSchema schema, ColumnMapping mapping, List<string> names)
    {
        if (mapping.PromptColumn(names) is null)
            throw new PluginInputException($"{path}: no prompt column (none of {string.Join(", ", ColumnMapping.PromptCandidates)}; set Columns:Prompt); its columns: {string.Join(", ", names)}");
        foreach (var (column, setting) in mapping.Required(names))
            if (!names.Contains(column))
                throw new PluginInputException($"{path}: no column \"{column}\" ({setting}); its columns: {string.Join(", ", names)}");
        Scalar(path, schema, mapping.PromptColumn(names)!, "Columns:Prompt", text: true);
        if (mapping.AnswerColumn(names) is { } answer && names.Contains(answer)) Scalar(path, schema, answer, "Columns:Answer", text: false);
        if (mapping.IdColumn(names) is { } id) Scalar(path, schema, id, "Columns:Id", text: false);
    }

    private static void Scalar(string path, ParquetSchema schema, string column, string setting, bool text)
    {
        var field = schema.Fields.First(f => f.Name == column);
        bool ok = field is DataField { IsArray: false } data
            && (IsString(data.ClrType) || (!text && Numeric(data.ClrType)));
        if (!ok)
            throw new PluginInputException($"{path}: column \"{column}\" ({setting}) holds {Describe(field)}, not {(text ? "strings" : "strings or numbers")}");
    }

    private static bool IsString(Type type) => type == typeof(string) || type == typeof(ReadOnlyMemory<char>);

    private static bool Numeric(Type type) =>
        type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(sbyte) || type == typeof(byte)
        || type == typeof(ushort) || type == typeof(uint) || type == typeof(ulong) || type == typeof(float) || type == typeof(double)
        || type == typeof(decimal);

    private static string Describe(Field field) => field switch
    {
        DataField { IsArray: true } data => $"lists of {TypeName(data.ClrType)}",
        DataField data => TypeName(data.ClrType),
        ListField list => $"lists of {Describe(list.Item)}",
        StructField => "structs",
        MapField => "maps",
        _ => field.SchemaType.ToString().ToLowerInvariant(),
    };

    private static string TypeName(Type type) => IsString(type) ? "strings"
        : type == typeof(byte[]) || type == typeof(ReadOnlyMemory<byte>) ? "binary values"
        : type == typeof(bool) ? "booleans"
        : Numeric(type) ? $"numbers ({type.Name.ToLowerInvariant()})"
        : $"{type.Name} values";

    private static string Describe(Exception ex)
    {
        var inner = ex;
        while (inner.InnerException is not null && inner is InvalidDataException or InvalidOperationException or AggregateException) inner = inner.InnerException;
        string message = inner == ex ? ex.Message : $"{ex.Message}: {inner.Message}";
        return message.ReplaceLineEndings(" ").TrimEnd('.', ' ');
    }
}
