using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Bridge.Sandbox;

/// <summary>
/// Writes whole bodies with a Content-Length (no chunking), as the real services do.
/// JSON is written with <see cref="Utf8JsonWriter"/>: field order is explicit, no reflection, cheap enough for a benchmark.
/// </summary>
internal static class ResponseWriter
{
    public const string Json = "application/json; charset=utf-8";

    // The services escape only what JSON requires ("+" in "Recoverable+Purgeable", quotes as \"), not HTML-sensitive
    // characters as the default encoder does; these bodies never end up in HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Task WriteAsync(HttpResponse response, int statusCode, string contentType, ReadOnlyMemory<byte> body)
    {
        response.StatusCode = statusCode;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        return body.IsEmpty ? Task.CompletedTask : response.Body.WriteAsync(body).AsTask();
    }

    public static Task WriteTextAsync(HttpResponse response, int statusCode, string contentType, string body) =>
        WriteAsync(response, statusCode, contentType, Encoding.UTF8.GetBytes(body));

    public static Task WriteJsonAsync<TState>(
        HttpResponse response,
        int statusCode,
        TState state,
        Action<Utf8JsonWriter, TState> write,
        string contentType = Json)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer, state);
        }

        return WriteAsync(response, statusCode, contentType, buffer.WrittenMemory);
    }

    /// <summary>A small JSON object of string properties, for error bodies.</summary>
    public static string JsonObject(params ReadOnlySpan<(string Name, string? Value)> properties)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in properties)
            {
                if (value is not null)
                {
                    writer.WriteString(name, value);
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
