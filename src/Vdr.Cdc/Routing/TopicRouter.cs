using System.Globalization;
using System.Text;

namespace Vdr.Cdc.Routing;

/// <summary>
/// Chooses the topic of each key: the first routing rule whose glob (and database, if given) matches, else
/// <c>&lt;prefix&gt;.db&lt;N&gt;</c>. Remembers every topic it has handed out, so database-wide events can reach all of them.
/// </summary>
public sealed class TopicRouter
{
    private readonly (byte[] Pattern, TopicRoute Route)[] _routes;
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly Dictionary<int, string> _dbTopics = [];

    public TopicRouter(string prefix, IEnumerable<TopicRoute>? routes = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        Prefix = prefix;
        _routes = [.. (routes ?? []).Select(r => (Encoding.UTF8.GetBytes(r.KeyPattern), r))];
    }

    public string Prefix { get; }

    /// <summary>The compacted single-partition topic holding the connector's progress.</summary>
    public string ProgressTopic => Prefix + ".progress";

    /// <summary>Every topic handed out so far, plus those added with <see cref="AddKnownTopic"/>.</summary>
    public IReadOnlyCollection<string> KnownTopics => _known;

    /// <summary>The default topic of a database.</summary>
    public string DbTopic(int db)
    {
        if (!_dbTopics.TryGetValue(db, out var topic))
        {
            topic = Prefix + ".db" + db.ToString(CultureInfo.InvariantCulture);
            _dbTopics[db] = topic;
        }

        return topic;
    }

    /// <summary>The topic of a key; <paramref name="isNew"/> tells that this topic was not known before.</summary>
    public string TopicFor(int db, ReadOnlySpan<byte> key, out bool isNew)
    {
        var topic = DbTopic(db);
        foreach (var (pattern, route) in _routes)
        {
            if ((route.Db is null || route.Db == db) && RedisGlob.IsMatch(pattern, key))
            {
                topic = route.Topic;
                break;
            }
        }

        isNew = _known.Add(topic);
        return topic;
    }

    /// <summary>The topics that can hold keys of a database: its default topic and the rule topics that apply to it.</summary>
    public IEnumerable<string> TopicsOfDb(int db)
    {
        var topics = new List<string> { DbTopic(db) };
        foreach (var (_, route) in _routes)
        {
            if ((route.Db is null || route.Db == db) && !topics.Contains(route.Topic))
            {
                topics.Add(route.Topic);
            }
        }

        foreach (var topic in topics)
        {
            _known.Add(topic);
        }

        return topics;
    }

    /// <summary>The topics that the routing rules name (created at start).</summary>
    public IEnumerable<string> RouteTopics => _routes.Select(r => r.Route.Topic).Distinct(StringComparer.Ordinal);

    public void AddKnownTopic(string topic) => _known.Add(topic);

    /// <summary>True when <paramref name="topic"/> is a default database topic of this prefix.</summary>
    public bool IsDbTopic(string topic) =>
        topic.StartsWith(Prefix + ".db", StringComparison.Ordinal)
        && int.TryParse(topic.AsSpan(Prefix.Length + 3), NumberStyles.None, CultureInfo.InvariantCulture, out _);
}
