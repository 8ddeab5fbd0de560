using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vdr.Testing;

namespace Vdr.Cdc.Tests.SchemaRegistry;

/// <summary>
/// A local HTTP fake of the Schema Registry REST API (the documented subset a producer uses):
/// POST /subjects/{s}/versions (register, idempotent per schema text), POST /subjects/{s} (look up),
/// GET /schemas/ids/{id}. Records every request.
/// </summary>
internal sealed class FakeSchemaRegistry : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly object _sync = new();
    private readonly List<(int Id, string Subject, int Version, string Schema, JsonNode? References)> _schemas = [];

    public FakeSchemaRegistry()
    {
        var port = FreePort.Next();
        Url = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Url { get; }

    public List<string> Requests { get; } = [];

    public IReadOnlyList<(int Id, string Subject, int Version, string Schema, JsonNode? References)> Schemas
    {
        get
        {
            lock (_sync)
            {
                return [.. _schemas];
            }
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The listener was closed under the loop.
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            await HandleAsync(context);
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        string body;
        using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync();
        }

        lock (_sync)
        {
            Requests.Add($"{context.Request.HttpMethod} {path}");
        }

        var segments = path.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        (int Status, object Body) response;
        lock (_sync)
        {
            response = (context.Request.HttpMethod, segments) switch
            {
                ("POST", ["subjects", var subject, "versions"]) => Register(subject, JsonNode.Parse(body)!),
                ("POST", ["subjects", var subject]) => Lookup(subject, JsonNode.Parse(body)!),
                ("GET", ["schemas", "ids", var id]) => ById(int.Parse(id, System.Globalization.CultureInfo.InvariantCulture)),
                _ => (404, new { error_code = 404, message = "not found: " + path }),
            };
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(response.Body);
        context.Response.StatusCode = response.Status;
        context.Response.ContentType = "application/vnd.schemaregistry.v1+json";
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    private (int, object) Register(string subject, JsonNode request)
    {
        var schema = request["schema"]!.GetValue<string>();
        var existing = _schemas.FirstOrDefault(s => s.Schema == schema);
        if (existing.Schema is null)
        {
            var id = _schemas.Count + 1;
            existing = (id, subject, _schemas.Count(s => s.Subject == subject) + 1, schema, request["references"]?.DeepClone());
            _schemas.Add(existing);
        }
        else if (!_schemas.Any(s => s.Subject == subject && s.Schema == schema))
        {
            _schemas.Add((existing.Id, subject, _schemas.Count(s => s.Subject == subject) + 1, schema, request["references"]?.DeepClone()));
        }

        return (200, new { id = existing.Id });
    }

    private (int, object) Lookup(string subject, JsonNode request)
    {
        var schema = request["schema"]!.GetValue<string>();
        var found = _schemas.FirstOrDefault(s => s.Subject == subject && s.Schema == schema);
        return found.Schema is null
            ? (404, new { error_code = 40403, message = "Schema not found" })
            : (200, new { subject, id = found.Id, version = found.Version, schema = found.Schema, schemaType = "PROTOBUF" });
    }

    private (int, object) ById(int id)
    {
        var found = _schemas.FirstOrDefault(s => s.Id == id);
        return found.Schema is null
            ? (404, new { error_code = 40403, message = "Schema not found" })
            : (200, new { schema = found.Schema, schemaType = "PROTOBUF" });
    }
}
