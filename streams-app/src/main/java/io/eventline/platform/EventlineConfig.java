package io.eventline.platform;

import io.eventline.chat.ChatSettings;
import io.eventline.crawler.CrawlerConfig;
import io.eventline.crawler.CrawlerSettings;
import io.eventline.crawler.FrontierSettings;
import io.eventline.feed.FeedChanges;
import io.eventline.feed.FeedSettings;
import io.eventline.kafka.Durability;
import io.eventline.kafka.KafkaClientProperties;
import io.eventline.notify.NotifySettings;
import io.eventline.ratelimit.CounterPartitions;
import io.eventline.ratelimit.RateLimitSettings;
import io.eventline.streams.TaskAssignor;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * All settings of one Eventline instance: defaults, then the file named by {@code EVENTLINE_CONFIG_FILE}
 * (Java properties using the same names as the environment), then the environment.
 */
public record EventlineConfig(
        int httpPort,
        String httpHost,
        int kafkaPort,
        int registryPort,
        Path dataDir,
        String instanceId,
        String publicUrl,
        String advertisedUrl,
        String socketUrl,
        int workerId,
        int datacenterId,
        Optional<String> jwtSecret,
        Optional<String> metricsToken,
        int topicPartitions,
        Optional<Short> topicReplicationFactor,
        int standbyReplicas,
        TaskAssignor taskAssignor,
        long awaitTimeoutMs,
        Optional<String> kafkaBootstrapServers,
        Optional<String> schemaRegistryUrl,
        String applicationId,
        long streamsCacheBytes,
        long rocksDbCacheBytes,
        Duration exactlyOnceCommitInterval,
        int exactlyOnceThreads,
        FeedSettings feed,
        RateLimitSettings rateLimit,
        NotifySettings notifications,
        ChatSettings chat,
        CrawlerConfig crawler,
        RegistrySettings registry,
        Durability durability,
        KafkaClientProperties kafkaClientProperties,
        io.eventline.kv.KvSettings kv) {

    /** A shorter metrics token could be guessed by anyone who can reach {@code /metrics}. */
    static final int MIN_METRICS_TOKEN_CHARS = 32;

    /** Every setting with its default; {@code null} means unset. */
    public static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        final Map<String, String> d = new LinkedHashMap<>();
        d.put("EVENTLINE_HTTP_PORT", "8080");
        d.put("EVENTLINE_HTTP_HOST", "0.0.0.0");
        d.put("EVENTLINE_KAFKA_PORT", "9092");
        d.put("EVENTLINE_REGISTRY_PORT", "8081");
        d.put("EVENTLINE_REGISTRY_HOST", null);
        d.put("EVENTLINE_REGISTRY_USER_INFO", null);
        d.put("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", null);
        d.put("EVENTLINE_DATA_DIR", "./data");
        d.put("EVENTLINE_INSTANCE_ID", "eventline-1");
        d.put("EVENTLINE_PUBLIC_URL", null);
        d.put("EVENTLINE_ADVERTISED_URL", null);
        d.put("EVENTLINE_SOCKET_URL", null);
        d.put("EVENTLINE_WORKER_ID", "0");
        d.put("EVENTLINE_DATACENTER_ID", "0");
        d.put("EVENTLINE_JWT_SECRET", null);
        d.put("EVENTLINE_METRICS_TOKEN", null);
        d.put("EVENTLINE_TOPIC_PARTITIONS", "6");
        d.put("EVENTLINE_TOPIC_REPLICATION_FACTOR", null);
        d.put("EVENTLINE_DURABILITY", Durability.PAGE_CACHE.setting());
        d.put("EVENTLINE_KAFKA_PROPERTIES_FILE", null);
        d.put("EVENTLINE_STANDBY_REPLICAS", "1");
        d.put("EVENTLINE_TASK_ASSIGNOR", TaskAssignor.HIGH_AVAILABILITY.setting());
        d.put("EVENTLINE_AWAIT_TIMEOUT_MS", "5000");
        d.put("KAFKA_BOOTSTRAP_SERVERS", null);
        d.put("SCHEMA_REGISTRY_URL", null);
        d.put("EVENTLINE_APPLICATION_ID", "eventline");
        d.put("EVENTLINE_STREAMS_CACHE_BYTES", String.valueOf(16L * 1024 * 1024));
        d.put("EVENTLINE_ROCKSDB_CACHE_BYTES", String.valueOf(64L * 1024 * 1024));
        d.put("EVENTLINE_EXACTLY_ONCE_COMMIT_INTERVAL", "PT0.1S");
        d.put("EVENTLINE_EXACTLY_ONCE_THREADS", "1");
        d.put("EVENTLINE_FEED_CAP", "800");
        d.put("EVENTLINE_FEED_CELEBRITY_THRESHOLD", "10000");
        d.put("EVENTLINE_FEED_INACTIVE_AFTER", "P30D");
        d.put("EVENTLINE_FEED_BACKFILL_POSTS", "20");
        d.put("EVENTLINE_FEED_MAX_FOLLOWING", "5000");
        d.put("EVENTLINE_FEED_CACHE_BYTES", String.valueOf(FeedSettings.DEFAULT_CACHE_BYTES));
        d.put("EVENTLINE_RATELIMIT_DOMAIN", "eventline");
        d.put("EVENTLINE_RATELIMIT_RULES", null);
        d.put("EVENTLINE_RATELIMIT_DECISION_TIMEOUT", "PT1S");
        d.put("EVENTLINE_RATELIMIT_DECISION_RETENTION", "PT10M");
        d.put("EVENTLINE_RATELIMIT_MAX_UNLOGGED_HITS", "10000");
        d.put("EVENTLINE_TRUSTED_PROXIES", null);
        d.put("EVENTLINE_NOTIFY_DEDUPE_RETENTION", "P7D");
        d.put("EVENTLINE_NOTIFY_INBOX_LIMIT", "200");
        d.put("EVENTLINE_NOTIFY_MAX_DEVICES", "10");
        d.put("EVENTLINE_NOTIFY_MAX_ATTEMPTS", "5");
        d.put("EVENTLINE_NOTIFY_RETRY_DELAYS", "PT5S,PT1M,PT10M");
        d.putAll(NotifySettings.PROVIDER_DEFAULTS);
        d.put("EVENTLINE_CHAT_MAX_GROUP_MEMBERS", "100");
        d.put("EVENTLINE_CHAT_HISTORY_RETENTION", "P365D");
        d.put("EVENTLINE_CHAT_SYNC_RETENTION", "P30D");
        d.put("EVENTLINE_CHAT_DEDUPE_RETENTION", "P1D");
        d.put("EVENTLINE_PRESENCE_HEARTBEAT_INTERVAL", "PT5S");
        d.put("EVENTLINE_PRESENCE_OFFLINE_AFTER", "PT30S");
        d.put("EVENTLINE_PRESENCE_PUSH_MAX_GROUP", "20");
        d.put("EVENTLINE_CHAT_MAX_DEVICES", String.valueOf(ChatSettings.defaults(1).maxDevices()));
        d.put("EVENTLINE_CHAT_SOCKET_OUTBOX_BYTES", String.valueOf(ChatSettings.defaults(1).socketOutboxBytes()));
        d.put("EVENTLINE_CHAT_MAX_CHANNELS_PER_USER", String.valueOf(ChatSettings.defaults(1).maxChannelsPerUser()));
        d.put("EVENTLINE_CRAWLER_ALLOW", null);
        d.put("EVENTLINE_CRAWLER_HOSTS", null);
        d.put("EVENTLINE_CRAWLER_SHARE_BY_ADDRESS", "true");
        d.put("EVENTLINE_CRAWLER_WORKERS", "16");
        d.put("EVENTLINE_CRAWLER_MAX_CRAWL_DELAY", "PT30S");
        d.put("EVENTLINE_CRAWLER_USER_AGENT", CrawlerSettings.DEFAULT_USER_AGENT);
        d.put("EVENTLINE_CRAWLER_MAX_QUEUE", "100000");
        d.put("EVENTLINE_CRAWLER_MAX_PAGES_PER_HOST", "100000");
        d.put("EVENTLINE_KV_PEER_DCS", null);
        d.put("EVENTLINE_KV_MAX_SIBLINGS", String.valueOf(io.eventline.kv.KvSettings.DEFAULT_MAX_SIBLINGS));
        return java.util.Collections.unmodifiableMap(d);
    }

    /** Loads from the process environment. */
    public static EventlineConfig fromEnvironment() {
        return load(System.getenv());
    }

    /** Defaults, then the optional file, then {@code env}; unknown names are ignored. */
    public static EventlineConfig load(Map<String, String> env) {
        final Map<String, String> values = new HashMap<>(DEFAULTS);
        final String file = env.get("EVENTLINE_CONFIG_FILE");
        if (file != null && !file.isBlank()) {
            values.putAll(readFile(Path.of(file)));
        }
        env.forEach((name, value) -> {
            if (DEFAULTS.containsKey(name) && value != null && !value.isBlank()) {
                values.put(name, value.trim());
            }
        });
        return from(values);
    }

    private static Map<String, String> readFile(Path file) {
        final Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            props.load(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read EVENTLINE_CONFIG_FILE " + file + ": " + e.getMessage());
        }
        final Map<String, String> values = new HashMap<>();
        props.stringPropertyNames().forEach(name -> {
            if (!DEFAULTS.containsKey(name)) {
                throw new ConfigException("unknown setting '" + name + "' in " + file);
            }
            values.put(name, props.getProperty(name).trim());
        });
        return values;
    }

    private static EventlineConfig from(Map<String, String> v) {
        final int httpPort = port(v, "EVENTLINE_HTTP_PORT");
        final String ownUrl = "http://localhost:" + httpPort;
        final EventlineConfig config = new EventlineConfig(
                httpPort,
                v.get("EVENTLINE_HTTP_HOST"),
                port(v, "EVENTLINE_KAFKA_PORT"),
                port(v, "EVENTLINE_REGISTRY_PORT"),
                Path.of(v.get("EVENTLINE_DATA_DIR")),
                v.get("EVENTLINE_INSTANCE_ID"),
                stripSlash(Optional.ofNullable(v.get("EVENTLINE_PUBLIC_URL")).orElse(ownUrl)),
                stripSlash(Optional.ofNullable(v.get("EVENTLINE_ADVERTISED_URL")).orElse(ownUrl)),
                socketUrl(Optional.ofNullable(v.get("EVENTLINE_SOCKET_URL"))
                        .orElse(Optional.ofNullable(v.get("EVENTLINE_ADVERTISED_URL")).orElse(ownUrl))),
                intIn(v, "EVENTLINE_WORKER_ID", 0, 31),
                intIn(v, "EVENTLINE_DATACENTER_ID", 0, 31),
                Optional.ofNullable(v.get("EVENTLINE_JWT_SECRET")),
                Optional.ofNullable(v.get("EVENTLINE_METRICS_TOKEN")),
                intIn(v, "EVENTLINE_TOPIC_PARTITIONS", 1, 10_000),
                Optional.ofNullable(v.get("EVENTLINE_TOPIC_REPLICATION_FACTOR"))
                        .map(raw -> (short) intIn(v, "EVENTLINE_TOPIC_REPLICATION_FACTOR", 1, 32)),
                intIn(v, "EVENTLINE_STANDBY_REPLICAS", 0, 10),
                taskAssignor(v),
                intIn(v, "EVENTLINE_AWAIT_TIMEOUT_MS", 0, 600_000),
                Optional.ofNullable(v.get("KAFKA_BOOTSTRAP_SERVERS")),
                Optional.ofNullable(v.get("SCHEMA_REGISTRY_URL")).map(EventlineConfig::stripSlash),
                v.get("EVENTLINE_APPLICATION_ID"),
                longIn(v, "EVENTLINE_STREAMS_CACHE_BYTES"),
                longIn(v, "EVENTLINE_ROCKSDB_CACHE_BYTES"),
                duration(v, "EVENTLINE_EXACTLY_ONCE_COMMIT_INTERVAL"),
                intIn(v, "EVENTLINE_EXACTLY_ONCE_THREADS", 1, 64),
                new FeedSettings(
                        intIn(v, "EVENTLINE_FEED_CAP", 1, 100_000),
                        intIn(v, "EVENTLINE_FEED_CELEBRITY_THRESHOLD", 1, Integer.MAX_VALUE),
                        duration(v, "EVENTLINE_FEED_INACTIVE_AFTER"),
                        intIn(v, "EVENTLINE_FEED_BACKFILL_POSTS", 0, 1_000),
                        intIn(v, "EVENTLINE_FEED_MAX_FOLLOWING", 1, 1_000_000),
                        longIn(v, "EVENTLINE_FEED_CACHE_BYTES"),
                        intIn(v, "EVENTLINE_TOPIC_PARTITIONS", 1, 10_000),
                        FeedChanges.NONE),
                new RateLimitSettings(
                        v.get("EVENTLINE_RATELIMIT_DOMAIN"),
                        Optional.ofNullable(v.get("EVENTLINE_RATELIMIT_RULES")).map(Path::of),
                        duration(v, "EVENTLINE_RATELIMIT_DECISION_TIMEOUT"),
                        duration(v, "EVENTLINE_RATELIMIT_DECISION_RETENTION"),
                        list(v.get("EVENTLINE_TRUSTED_PROXIES")),
                        intIn(v, "EVENTLINE_RATELIMIT_MAX_UNLOGGED_HITS", 0, 1_000_000),
                        new CounterPartitions()),
                new NotifySettings(
                        duration(v, "EVENTLINE_NOTIFY_DEDUPE_RETENTION"),
                        intIn(v, "EVENTLINE_NOTIFY_INBOX_LIMIT", 1, 10_000),
                        intIn(v, "EVENTLINE_NOTIFY_MAX_DEVICES", 1, 100),
                        intIn(v, "EVENTLINE_NOTIFY_MAX_ATTEMPTS", 1, 100),
                        retryDelays(v),
                        providerSettings(v),
                        null),
                new ChatSettings(
                        intIn(v, "EVENTLINE_CHAT_MAX_GROUP_MEMBERS", 2, 10_000),
                        ChatSettings.defaults(1).maxMessageChars(),
                        duration(v, "EVENTLINE_CHAT_HISTORY_RETENTION"),
                        duration(v, "EVENTLINE_CHAT_SYNC_RETENTION"),
                        duration(v, "EVENTLINE_CHAT_DEDUPE_RETENTION"),
                        duration(v, "EVENTLINE_PRESENCE_HEARTBEAT_INTERVAL"),
                        duration(v, "EVENTLINE_PRESENCE_OFFLINE_AFTER"),
                        intIn(v, "EVENTLINE_PRESENCE_PUSH_MAX_GROUP", 0, 10_000),
                        longAtLeast(v, "EVENTLINE_CHAT_SOCKET_OUTBOX_BYTES", ChatSettings.MIN_SOCKET_OUTBOX_BYTES),
                        intIn(v, "EVENTLINE_CHAT_MAX_DEVICES", 1, 1_000),
                        intIn(v, "EVENTLINE_CHAT_MAX_CHANNELS_PER_USER", 1, 100_000),
                        intIn(v, "EVENTLINE_TOPIC_PARTITIONS", 1, 10_000)),
                crawler(v),
                new RegistrySettings(
                        // loopback while the broker is embedded too: a single instance serves only its own host
                        Optional.ofNullable(v.get("EVENTLINE_REGISTRY_HOST"))
                                .orElse(v.get("KAFKA_BOOTSTRAP_SERVERS") == null ? "127.0.0.1" : "0.0.0.0"),
                        userInfo(v, "EVENTLINE_REGISTRY_USER_INFO"),
                        userInfo(v, "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO")),
                durability(v),
                kafkaClientProperties(v),
                kv(v));
        if (!config.rateLimit().domain().matches("[A-Za-z0-9._-]{1,64}")) {
            throw new ConfigException("EVENTLINE_RATELIMIT_DOMAIN must be 1-64 of [A-Za-z0-9._-], got '"
                    + config.rateLimit().domain() + "'");
        }
        final String tokenPattern = "\\S{" + MIN_METRICS_TOKEN_CHARS + ",}";
        if (config.metricsToken().filter(token -> !token.matches(tokenPattern)).isPresent()) {
            throw new ConfigException("EVENTLINE_METRICS_TOKEN must be at least " + MIN_METRICS_TOKEN_CHARS
                    + " characters without spaces, e.g. the output of 'openssl rand -hex 32'");
        }
        if (!config.instanceId().matches("[A-Za-z0-9._-]{1,64}")) {
            throw new ConfigException("EVENTLINE_INSTANCE_ID must be 1-64 of [A-Za-z0-9._-], got '"
                    + config.instanceId() + "'");
        }
        return config;
    }

    /** The client config of every Kafka client this instance builds: the client properties and the cluster. */
    public Map<String, Object> kafkaClientConfig(String bootstrapServers) {
        return kafkaClientProperties.forCluster(bootstrapServers);
    }

    /** True when this process runs its own broker. */
    public boolean embeddedKafka() {
        return kafkaBootstrapServers.isEmpty();
    }

    /** True when this process serves its own schema registry. */
    public boolean embeddedRegistry() {
        return schemaRegistryUrl.isEmpty();
    }

    /** True when the web server listens on a loopback address only, so that only this machine reaches it. */
    public boolean httpLoopbackOnly() {
        try {
            return InetAddress.getByName(httpHost).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Where this instance keeps its Kafka Streams state. */
    public Path streamsStateDir() {
        return dataDir.resolve("streams").resolve(instanceId);
    }

    private static int port(Map<String, String> v, String name) {
        return intIn(v, name, 0, 65_535);
    }

    private static int intIn(Map<String, String> v, String name, int min, int max) {
        final String raw = v.get(name);
        try {
            final int value = Integer.parseInt(raw);
            if (value < min || value > max) {
                throw new ConfigException(name + " must be between " + min + " and " + max + ", got " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be an integer, got '" + raw + "'");
        }
    }

    private static long longIn(Map<String, String> v, String name) {
        final String raw = v.get(name);
        try {
            final long value = Long.parseLong(raw);
            if (value < 0) {
                throw new ConfigException(name + " must not be negative, got " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be an integer, got '" + raw + "'");
        }
    }

    private static long longAtLeast(Map<String, String> v, String name, long min) {
        final long value = longIn(v, name);
        if (value < min) {
            throw new ConfigException(name + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    private static Duration duration(Map<String, String> v, String name) {
        final String raw = v.get(name);
        try {
            final Duration value = Duration.parse(raw);
            if (value.isNegative() || value.isZero()) {
                throw new ConfigException(name + " must be positive, got " + raw);
            }
            return value;
        } catch (DateTimeParseException e) {
            throw new ConfigException(name + " must be an ISO-8601 duration such as P30D or PT12H, got '" + raw + "'");
        }
    }

    private static CrawlerConfig crawler(Map<String, String> v) {
        final CrawlerSettings parts = CrawlerSettings.builder()
                .allow(Optional.ofNullable(v.get("EVENTLINE_CRAWLER_ALLOW")).orElse(""))
                .maxCrawlDelay(duration(v, "EVENTLINE_CRAWLER_MAX_CRAWL_DELAY"))
                .userAgent(v.get("EVENTLINE_CRAWLER_USER_AGENT"))
                .build();
        final FrontierSettings defaults = FrontierSettings.defaults(parts);
        final FrontierSettings frontier = new FrontierSettings(parts, intIn(v, "EVENTLINE_CRAWLER_MAX_QUEUE", 1,
                100_000_000), defaults.maxQueueBytes(), intIn(v, "EVENTLINE_CRAWLER_MAX_PAGES_PER_HOST", 1,
                Integer.MAX_VALUE), defaults.maxAttempts(), defaults.selectorInterval(), defaults.inFlightTimeout(),
                defaults.robotsRetry(), defaults.maxBackoff(), defaults.robotsMaxAge());
        final String share = v.get("EVENTLINE_CRAWLER_SHARE_BY_ADDRESS");
        if (!"true".equals(share) && !"false".equals(share)) {
            throw new ConfigException("EVENTLINE_CRAWLER_SHARE_BY_ADDRESS must be true or false, got '" + share + "'");
        }
        try {
            return new CrawlerConfig(parts, Optional.ofNullable(v.get("EVENTLINE_CRAWLER_HOSTS")).orElse(""),
                    Boolean.parseBoolean(share), intIn(v, "EVENTLINE_CRAWLER_WORKERS", 1, 1_000), frontier);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("EVENTLINE_CRAWLER_ALLOW or EVENTLINE_CRAWLER_HOSTS: " + e.getMessage());
        }
    }

    private static TaskAssignor taskAssignor(Map<String, String> v) {
        try {
            return TaskAssignor.parse(v.get("EVENTLINE_TASK_ASSIGNOR"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("EVENTLINE_TASK_ASSIGNOR " + e.getMessage());
        }
    }

    private static Durability durability(Map<String, String> v) {
        try {
            return Durability.parse(v.get("EVENTLINE_DURABILITY"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("EVENTLINE_DURABILITY " + e.getMessage());
        }
    }

    private static KafkaClientProperties kafkaClientProperties(Map<String, String> v) {
        final String file = v.get("EVENTLINE_KAFKA_PROPERTIES_FILE");
        if (file == null) {
            return KafkaClientProperties.none();
        }
        if (v.get("KAFKA_BOOTSTRAP_SERVERS") == null) {
            throw new ConfigException("EVENTLINE_KAFKA_PROPERTIES_FILE is for an external cluster: set "
                    + "KAFKA_BOOTSTRAP_SERVERS too (the embedded broker takes plain connections only)");
        }
        try {
            return KafkaClientProperties.load(Path.of(file));
        } catch (IOException e) {
            throw new ConfigException("cannot read EVENTLINE_KAFKA_PROPERTIES_FILE " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("EVENTLINE_KAFKA_PROPERTIES_FILE " + file + ": " + e.getMessage());
        }
    }

    private static Optional<String> userInfo(Map<String, String> v, String name) {
        final Optional<String> userInfo = Optional.ofNullable(v.get(name));
        if (userInfo.isPresent() && !RegistrySettings.isUserInfo(userInfo.get())) {
            // the value itself stays out of the message: it is a credential
            throw new ConfigException(name + " must be user:password, with a user and a password");
        }
        return userInfo;
    }

    private static java.util.List<Duration> retryDelays(Map<String, String> v) {
        final String name = "EVENTLINE_NOTIFY_RETRY_DELAYS";
        final java.util.List<Duration> delays = list(v.get(name)).stream()
                .map(raw -> duration(Map.of(name, raw), name)).toList();
        if (delays.size() != 3) {
            throw new ConfigException(name + " must list three durations (the 5s, 1m and 10m tiers), got '"
                    + v.get(name) + "'");
        }
        return delays;
    }

    private static Map<String, String> providerSettings(Map<String, String> v) {
        final Map<String, String> providers = new HashMap<>();
        NotifySettings.PROVIDER_DEFAULTS.keySet().forEach(name -> {
            if (v.get(name) != null) {
                providers.put(name, v.get(name));
            }
        });
        return providers;
    }

    private static io.eventline.kv.KvSettings kv(Map<String, String> v) {
        try {
            return io.eventline.kv.KvSettings.defaults(intIn(v, "EVENTLINE_DATACENTER_ID", 0, 31))
                    .withMaxSiblings(intIn(v, "EVENTLINE_KV_MAX_SIBLINGS", 1, 1_000))
                    .withPeers(list(v.get("EVENTLINE_KV_PEER_DCS")));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("EVENTLINE_KV_PEER_DCS: " + e.getMessage());
        }
    }

    private static java.util.List<String> list(String raw) {
        if (raw == null) {
            return java.util.List.of();
        }
        return java.util.Arrays.stream(raw.split(",")).map(String::trim).filter(item -> !item.isEmpty()).toList();
    }

    /**
     * The URL clients open this instance's chat socket at: a {@code ws://} or {@code wss://} URL as given, or an
     * {@code http(s)://} base URL turned into the socket's ({@code wss://host/ws} for {@code https://host}).
     */
    private static String socketUrl(String url) {
        final URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigException("EVENTLINE_SOCKET_URL must be a URL, got '" + url + "'");
        }
        final String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !List.of("ws", "wss", "http", "https").contains(scheme)) {
            throw new ConfigException("EVENTLINE_SOCKET_URL must be a ws://, wss://, http:// or https:// URL with a "
                    + "host, got '" + url + "'");
        }
        if (scheme.startsWith("ws")) {
            return url;
        }
        return (scheme.equals("https") ? "wss" : "ws") + stripSlash(url).substring(scheme.length()) + "/ws";
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** A setting that cannot be used; the message names it. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) {
            super(message);
        }
    }

    /** Every setting, with the secrets among them redacted: a record's own {@code toString} would print them. */
    @Override
    public String toString() {
        return Redaction.of(this);
    }
}
