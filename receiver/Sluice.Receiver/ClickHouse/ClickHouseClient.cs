using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Sluice.Receiver.Configuration;
using Sluice.Transforms.Schema;

namespace Sluice.Receiver.ClickHouse;

/// <summary>
/// Talks to ClickHouse over its HTTP interface: statements as the request body, inserts as
/// hand-encoded RowBinary, gzip-compressed when the buffer was made to compress as it fills (the
/// exporter does so for <c>compress: gzip</c>, see <see cref="TableBuffer"/>). Plain HttpClient rather
/// than ClickHouse.Driver: the driver's typed inserts take boxed object rows and its typed reads
/// ask for a format 18.16 lacks. Its InsertRawStreamAsync (in 1.5.0) could carry these RowBinary
/// bytes; moving inserts onto it, with failures keeping the shape ClickHouseException gives them
/// here, is left for later.
/// </summary>
internal sealed class ClickHouseClient : IDisposable
{
    private readonly HttpClient _http;

    public ClickHouseClient(ClickHouseExporterConfig config)
        : this(config, new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AutomaticDecompression = DecompressionMethods.None })
    {
    }

    /// <summary>Lets tests put a handler between the client and the network.</summary>
    internal ClickHouseClient(ClickHouseExporterConfig config, HttpMessageHandler handler)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!SchemaMigrations.IsIdentifier(config.Database))
        {
            throw new ArgumentException($"ClickHouse database '{config.Database}' must be letters, digits and underscores.", nameof(config));
        }

        Gzip = config.Compress switch
        {
            "gzip" => true,
            "none" or "" => false,
            _ => throw new ArgumentException($"ClickHouse compress '{config.Compress}' is not supported; use gzip or none (18.16 refuses zstd).", nameof(config)),
        };

        Database = config.Database;
        _http = new HttpClient(handler)
        {
            BaseAddress = new Uri(config.Endpoint.TrimEnd('/') + "/"),
            Timeout = config.Timeout,
        };
        string credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes(config.Username + ":" + config.Password));
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", credentials);
    }

    /// <summary>Whether inserts go gzip-compressed (<c>compress: gzip</c>): the exporter's buffers then compress as they fill.</summary>
    public bool Gzip { get; }

    /// <summary>The database Sluice's tables live in.</summary>
    public string Database { get; }

    /// <summary>Throws <see cref="ClickHouseException"/> unless the server answers <c>SELECT 1</c>.</summary>
    public async Task PingAsync(CancellationToken ct)
    {
        string answer = await QueryAsync("SELECT 1", ct);
        if (answer.Trim() != "1")
        {
            throw new ClickHouseException($"ClickHouse answered '{answer.Trim()}' to SELECT 1.");
        }
    }

    /// <summary>Runs a statement; throws <see cref="ClickHouseException"/> carrying the server's message.</summary>
    public async Task ExecuteAsync(string sql, CancellationToken ct) => await QueryAsync(sql, ct);

    /// <summary>Runs a query and returns the response body; the caller chooses the format (<c>FORMAT TSV</c>, <c>JSONEachRow</c>...).</summary>
    public async Task<string> QueryAsync(string sql, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, string.Empty)
        {
            Content = new StringContent(sql, Encoding.UTF8, "text/plain"),
        };
        return await SendAsync(request, sql, ct);
    }

    /// <summary>Inserts every row of <paramref name="table"/> with one <c>INSERT ... FORMAT RowBinary</c>; throws <see cref="ClickHouseException"/> on failure.</summary>
    public async Task InsertAsync(TableBuffer table, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.Rows == 0)
        {
            return;
        }

        string sql = $"INSERT INTO {Database}.{table.Table} ({table.Columns}) FORMAT RowBinary";
        using var request = new HttpRequestMessage(HttpMethod.Post, "?query=" + Uri.EscapeDataString(sql))
        {
            // The buffer compressed its rows as they came when the exporter made it for a gzip client (see TableBuffer).
            Content = new ReadOnlyMemoryContent(table.Body()),
        };
        if (table.Gzip)
        {
            request.Content.Headers.ContentEncoding.Add("gzip");
        }

        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        await SendAsync(request, sql, ct);
    }

    public void Dispose() => _http.Dispose();

    private async Task<string> SendAsync(HttpRequestMessage request, string sql, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new ClickHouseException($"ClickHouse at {_http.BaseAddress} is unreachable: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new ClickHouseException($"ClickHouse at {_http.BaseAddress} did not answer within {_http.Timeout.TotalSeconds:0.#} s.", ex);
        }

        using (response)
        {
            string body = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode)
            {
                return body;
            }

            string statement = sql.Length > 200 ? sql[..200] + "..." : sql;
            throw new ClickHouseException($"ClickHouse refused `{statement}` ({(int)response.StatusCode}): {body.Trim()}", response.StatusCode, body.Trim());
        }
    }
}
