package io.eventline.ops;

import static io.eventline.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.chat.ChatSocketClient;
import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.platform.PlatformFixture;
import io.eventline.registry.client.HttpSchemaRegistryClient;
import io.eventline.serde.AvroSerde;
import io.eventline.serde.WireFormat;
import io.eventline.shorturl.ShortUrlRequested;
import io.eventline.shorturl.ShortUrlTopics;
import io.eventline.streams.DeadLetterHeaders;
import io.eventline.streams.StreamsSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The ops tools against one running instance: a real Prometheus scraping it with the shipped files, and
 * {@code eventline dlq replay}.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class OpsToolsTest {
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    private static PlatformFixture platform;
    private static String bootstrapServers;

    @BeforeAll
    static void startPlatform(KafkaCluster kafka) throws Exception {
        bootstrapServers = kafka.bootstrapServers();
        platform = PlatformFixture.start(bootstrapServers, Map.of());
    }

    @AfterAll
    static void stopPlatform() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    /** The shipped rules and dashboard against what the instance exports, and Prometheus scraping it. */
    @Nested
    class PrometheusScrape {
        /** Made by Prometheus itself, not by an instance. */
        private static final Set<String> PROMETHEUS_OWN = Set.of("up");
        /**
         * Exported only once something happened (a counter Kafka Streams or Micrometer registers at its first
         * count); {@link #createTraffic()} makes each of them happen.
         */
        private static final Set<String> AFTER_TRAFFIC = Set.of("kafka_stream_ratelimit_allowed_total",
                "kafka_stream_ratelimit_limited_total", "kafka_stream_ratelimit_shadow_limited_total",
                "kafka_stream_notify_requested_total", "kafka_stream_notify_duplicate_total",
                "kafka_stream_notify_capped_total", "kafka_stream_notify_dead_lettered_total",
                "kafka_stream_notify_queued_total", "kafka_stream_notify_skipped_total",
                "kafka_stream_notify_sent_total", "eventline_chat_frames_total",
                "kafka_producer_topic_record_send_total");
        private static final String STOPPED = "ops-stopped-" + RUN;
        private static PrometheusProcess prometheus;

        /**
         * A consumer group that committed the start of a topic and has no member while records arrive there, an
         * instance that has done a bit of everything, and a Prometheus set up from ops/ scraping it.
         */
        @BeforeAll
        static void startPrometheus(@TempDir Path dir) throws Exception {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
                admin.createTopics(List.of(new NewTopic(STOPPED, 1, (short) 1))).all().get();
                admin.alterConsumerGroupOffsets(STOPPED, Map.of(new TopicPartition(STOPPED, 0),
                        new OffsetAndMetadata(0))).all().get();
            }
            // many records: the sampler keeps the most lagging groups of a broker shared by every test
            produce(STOPPED, 20_000);
            final URI instance = URI.create(platform.baseUrl());
            prometheus = PrometheusProcess.start(dir, instance.getHost() + ":" + instance.getPort(),
                    PlatformFixture.METRICS_TOKEN);
            // while Prometheus scrapes its first samples
            createTraffic();
        }

        @AfterAll
        static void stopPrometheus() throws Exception {
            if (prometheus != null) {
                prometheus.close();
            }
        }

        @Test
        void shouldExportEveryMetricTheRulesAndTheDashboardRead() throws Exception {
            // Given the metrics the shipped files read
            final Set<String> used = OpsFiles.exportedMetricsUsed();
            used.removeAll(PROMETHEUS_OWN);

            // When its /metrics is scraped as Prometheus does, until every metric showed up
            final Set<String> missing = eventually(Duration.ofSeconds(60), Duration.ofMillis(500), () -> {
                final Set<String> left = new TreeSet<>(used);
                left.removeAll(exported());
                return left;
            }, Set::isEmpty);

            // Then each of them is there
            assertThat(missing).as("metrics the rules or the dashboard read that /metrics does not export").isEmpty();
            assertThat(used).containsAll(AFTER_TRAFFIC);
            // and the dead-letter alert's series: the stream's producer wrote the unreadable record there
            final String deadLetters = eventually(Duration.ofSeconds(30), Duration.ofMillis(500),
                    () -> platform.get("/metrics", PlatformFixture.METRICS_TOKEN).body(),
                    body -> body.lines().anyMatch(PrometheusScrape::isDeadLetterSeries));
            assertThat(deadLetters.lines().filter(PrometheusScrape::isDeadLetterSeries)).isNotEmpty();
        }

        @Test
        void shouldFireTheStoppedGroupAlert() throws Exception {
            // When Prometheus has scraped the instance and evaluated the shipped rules for a few seconds
            final JsonNode alert = eventually(Duration.ofSeconds(60), Duration.ofMillis(500),
                    () -> stoppedGroupAlert(STOPPED), found -> found != null
                            && "firing".equals(found.path("state").asText())
                            && Double.parseDouble(found.path("value").asText()) == 20_000d);

            // Then the stopped group's alert fires, with its lag and the runbook
            assertThat(alert).as("no firing EventlineConsumerGroupStopped for %s; targets %s; alerts %s; log %s",
                    STOPPED, prometheus.targets(), prometheus.alerts(), prometheus.output()).isNotNull();
            assertThat(alert.path("state").asText()).isEqualTo("firing");
            assertThat(alert.path("labels").path("severity").asText()).isEqualTo("page");
            assertThat(Double.parseDouble(alert.path("value").asText())).isEqualTo(20_000d);
            assertThat(alert.path("annotations").path("runbook").asText())
                    .isEqualTo("ops/runbooks/eventline.md#consumer-group-stopped");
            assertThat(prometheus.targets()).allSatisfy(target ->
                    assertThat(target.path("health").asText()).isEqualTo("up"));
        }

        private static JsonNode stoppedGroupAlert(String group) throws Exception {
            for (JsonNode alert : prometheus.alerts()) {
                if ("EventlineConsumerGroupStopped".equals(alert.path("labels").path("alertname").asText())
                        && group.equals(alert.path("labels").path("group").asText())) {
                    return alert;
                }
            }
            return null;
        }

        private static boolean isDeadLetterSeries(String line) {
            return line.startsWith("kafka_producer_topic_record_send_total{")
                    && line.contains("topic=\"" + StreamsSettings.DEAD_LETTER_TOPIC + "\"");
        }

        /** The metric names of {@code /metrics}, read with the metrics token as Prometheus reads it. */
        private static Set<String> exported() throws Exception {
            final HttpResponse<String> metrics = platform.get("/metrics", PlatformFixture.METRICS_TOKEN);
            assertThat(metrics.statusCode()).isEqualTo(200);
            final Set<String> names = new TreeSet<>();
            metrics.body().lines().filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .forEach(line -> names.add(line.split("[{ ]", 2)[0]));
            return names;
        }

        /** Rate-limit decisions of each outcome, a chat socket's frames, and notifications of each outcome. */
        private static void createTraffic() throws Exception {
            final String admin = platform.token("ops", "admin");
            final String user = "prom-user-" + RUN;
            final String token = platform.token(user);
            // a service's rules: one enforced, one in shadow mode (counted, never refusing); each checked twice
            final String checked = "prom-check-" + RUN;
            final HttpResponse<String> put = platform.put("/api/v1/admin/ratelimit/rules/" + checked, admin,
                    "{\"descriptors\":[" + rule("device", "prom-enforced", false) + ","
                            + rule("phone", "prom-shadow", true) + "]}");
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
            for (String key : List.of("device", "device", "phone", "phone")) {
                final HttpResponse<String> check = platform.post("/api/v1/ratelimit/check", admin, "{\"domain\":\""
                        + checked + "\",\"descriptors\":[[{\"key\":\"" + key + "\",\"value\":\"d-1\"}]]}");
                assertThat(check.statusCode()).as(check.body()).isEqualTo(200);
            }
            // a record that is not Avro: dead-lettered
            produceBytes(ShortUrlTopics.REQUESTS.name(), user, "not avro".getBytes(StandardCharsets.UTF_8));
            // a socket says hello
            try (ChatSocketClient socket = ChatSocketClient.connect(platform.baseUrl(), token, "phone")) {
                socket.await("hello", Duration.ofSeconds(30));
            }
            // notifications: queued for e-mail, sent to the inbox, skipped for push and SMS; a duplicate; one over
            // the user's cap; one for a template that does not exist
            final String template = "prom-" + RUN;
            assertThat(platform.put("/api/v1/admin/templates/" + template, admin, """
                    {"email":{"subject":"s {{n}}","body":"b {{n}}"},"inapp":{"title":"t","body":"b {{n}}"},
                     "push":{"title":"t","body":"b {{n}}"}}""").statusCode()).isEqualTo(201);
            assertThat(platform.put("/api/v1/me/contact", token, "{\"email\":\"prom@example.com\"}").statusCode())
                    .isEqualTo(200);
            assertThat(platform.put("/api/v1/me/notification-settings", token,
                    "{\"caps\":{\"" + template + "\":\"1/day\"}}").statusCode()).isEqualTo(200);
            final String service = platform.token("billing", "service");
            final List<String> requests = new ArrayList<>(List.of(notification("n1", user, template),
                    notification("n1", user, template), notification("n2", user, template),
                    notification("n3", user, "missing-" + RUN)));
            for (String request : requests) {
                final HttpResponse<String> answer = platform.post("/api/v1/notifications", service, request);
                assertThat(answer.statusCode()).as(answer.body()).isBetween(200, 202);
            }
        }

        private static String notification(String eventId, String user, String template) {
            return "{\"eventId\":\"" + eventId + "-" + RUN + "\",\"userId\":\"" + user + "\",\"template\":\"" + template
                    + "\",\"params\":{\"n\":\"1\"}}";
        }

        /** One request an hour per {@code key}, enforced or in shadow mode. */
        private static String rule(String key, String name, boolean shadow) {
            return "{\"key\":\"" + key + "\",\"name\":\"" + name + "\",\"shadow\":" + shadow
                    + ",\"rate_limit\":{\"unit\":\"hour\",\"requests_per_unit\":1}}";
        }

        private static void produceBytes(String topic, String key, byte[] value) throws Exception {
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringSerializer(),
                    new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(topic, key, value)).get();
            }
        }

        private static void produce(String topic, int records) {
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.LINGER_MS_CONFIG, 20),
                    new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < records; i++) {
                    producer.send(new ProducerRecord<>(topic, Integer.toString(i), "r"));
                }
                producer.flush();
            }
        }
    }

    /** {@code eventline dlq replay}: what it replays is processed, the rest reported. */
    @Nested
    class DeadLetterReplayCommand {
        private static final ObjectMapper JSON = new ObjectMapper();
        private static final String TOPIC = ShortUrlTopics.REQUESTS.name();

        @Test
        void shouldReplayARecordOnceItsSchemaIsRegisteredAndReportOneThatStillFails() throws Exception {
            // Given a link request written with a schema the registry does not know yet (as a producer using another
            // registry would), one keyed by another user than its own, and one whose link leads back to the
            // service: all dead-lettered by the stream
            final HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(platform.registryUrl(),
                    Optional.of(PlatformFixture.REGISTRY_USER_INFO));
            final Instant since = Instant.now().minusSeconds(1);
            final String stranger = "dlq-stranger-" + RUN;
            produce(stranger, AvroSerde.forValue(registry, ShortUrlRequested.class).serialize(TOPIC,
                    request("dlq-owner-" + RUN, "dlq-x-" + RUN, "https://example.com/misrouted/" + RUN)));
            final String looper = "dlq-looper-" + RUN;
            produce(looper, AvroSerde.forValue(registry, ShortUrlRequested.class).serialize(TOPIC,
                    request(looper, "dlq-l-" + RUN, "http://127.0.0.1/loop")));
            awaitDeadLetters(List.of(stranger, looper));
            // the schema ID the registry gives next but two (the refusal above registered what its answers need)
            final int futureId = registry.register("dlq-" + RUN + "-probe-value", filler(0)) + 3;
            final String user = "dlq-user-" + RUN;
            final String code = "dlq-" + RUN;
            final Schema evolved = evolved();
            produce(user, encode(evolved, request(user, code, "https://example.com/replayed/" + RUN), futureId));
            final List<ConsumerRecord<byte[], byte[]>> deadLetters = awaitDeadLetters(List.of(user, stranger));
            assertThat(header(deadLetters.get(0), DeadLetterHeaders.TOPIC)).isEqualTo(TOPIC);
            assertThat(header(deadLetters.get(1), DeadLetterHeaders.MESSAGE)).contains("must be produced with key");

            // When the replay runs before the schema is registered
            final String before = replay("--topic", TOPIC, "--since", since.toString());

            // Then both still fail, each with its reason, and nothing is produced
            assertThat(line(before, user)).startsWith("still failing").contains("schema id " + futureId);
            assertThat(line(before, stranger)).startsWith("still failing")
                    .contains("must be produced with key 'dlq-owner-" + RUN + "'");
            assertThat(line(before, looper)).startsWith("still failing").contains("must not point at this shortener");

            // Given the schema now registered under the ID the record carries
            registerAs(registry, evolved, futureId);
            final Map<TopicPartition, Long> endsBefore = ends();

            // When a dry run looks at them
            final String dryRun = replay("--topic", TOPIC, "--since", since.toString(), "--dry-run");

            // Then it would replay the first, reports the second, and changes nothing
            assertThat(line(dryRun, user)).startsWith("would replay");
            assertThat(line(dryRun, stranger)).startsWith("still failing");
            assertThat(dryRun).contains("(dry run: nothing was produced)");
            assertThat(ends()).isEqualTo(endsBefore);
            assertThat(platform.get("/" + code, null).statusCode()).isEqualTo(404);

            // When the replay runs
            final String replayed = replay("--topic", TOPIC, "--since", since.toString());

            // Then the first is produced again, marked as a replay, and the stream creates its link
            assertThat(line(replayed, user)).startsWith("replayed");
            assertThat(line(replayed, stranger)).startsWith("still failing");
            final HttpResponse<String> redirect = eventually(Duration.ofSeconds(60), Duration.ofMillis(200),
                    () -> platform.get("/" + code, null), answer -> answer.statusCode() == 302);
            assertThat(redirect.statusCode()).isEqualTo(302);
            assertThat(redirect.headers().firstValue("Location")).contains("https://example.com/replayed/" + RUN);
            final ConsumerRecord<byte[], byte[]> copy = replayOf(deadLetters.get(0));
            assertThat(copy.key()).isEqualTo(deadLetters.get(0).key());
            assertThat(copy.value()).isEqualTo(deadLetters.get(0).value());
            assertThat(copy.headers().toArray()).extracting(Header::key).doesNotContain(DeadLetterHeaders.MESSAGE,
                    DeadLetterHeaders.TOPIC, DeadLetterHeaders.EXCEPTION);

            // When it runs again
            final Map<TopicPartition, Long> endsAfter = ends();
            final String again = replay("--topic", TOPIC, "--since", since.toString());

            // Then the replayed one is not produced twice
            assertThat(line(again, user)).startsWith("already replayed");
            assertThat(line(again, stranger)).startsWith("still failing");
            assertThat(ends()).isEqualTo(endsAfter);
        }

        @Test
        void shouldRefuseATopicEventlineDoesNotHave() {
            // When
            final StringWriter err = new StringWriter();
            final int exit = command(new StringWriter(), err).execute("replay", "--topic", "no.such.topic.v1");

            // Then
            assertThat(exit).isEqualTo(2);
            assertThat(err.toString()).contains("--topic no.such.topic.v1 is not one of Eventline's topics")
                    .contains(TOPIC);
        }

        private static String replay(String... arguments) {
            final StringWriter out = new StringWriter();
            final StringWriter err = new StringWriter();
            final String[] command = new String[arguments.length + 1];
            command[0] = "replay";
            System.arraycopy(arguments, 0, command, 1, arguments.length);
            final int exit = command(out, err).execute(command);
            // every run here leaves the wrongly keyed record failing, which the exit code tells
            assertThat(exit).as("exit code; stderr: %s", err).isEqualTo(1);
            return out.toString();
        }

        private static CommandLine command(StringWriter out, StringWriter err) {
            final Map<String, String> environment = Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers,
                    "SCHEMA_REGISTRY_URL", platform.registryUrl(),
                    "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", PlatformFixture.REGISTRY_USER_INFO);
            return new CommandLine(new DlqCommand(environment, Clock.systemUTC())).setOut(new PrintWriter(out))
                    .setErr(new PrintWriter(err));
        }

        /** The one line of the report about the dead letter keyed {@code key}. */
        private static String line(String report, String key) {
            final List<String> lines = report.lines().filter(line -> line.contains(" key '" + key + "'")).toList();
            assertThat(lines).as(report).hasSize(1);
            return lines.get(0);
        }

        private static ShortUrlRequested request(String user, String code, String url) {
            return ShortUrlRequested.newBuilder().setEventId(Long.toString(System.nanoTime()))
                    .setTimestamp(Instant.now()).setUserId(user).setUrl(url).setRedirect(302).setCustomCode(code)
                    .build();
        }

        /** {@link ShortUrlRequested} with a field more, as a newer producer writes it. */
        private static Schema evolved() throws Exception {
            final ObjectNode schema = (ObjectNode) JSON.readTree(ShortUrlRequested.getClassSchema().toString());
            schema.withArray("fields").addObject().put("name", "note_" + RUN.replace('-', '_'))
                    .putNull("default").putArray("type").add("null").add("string");
            return new Schema.Parser().parse(schema.toString());
        }

        private static byte[] encode(Schema schema, ShortUrlRequested request, int schemaId) throws Exception {
            final GenericRecord record = new GenericData.Record(schema);
            for (Schema.Field field : ShortUrlRequested.getClassSchema().getFields()) {
                record.put(field.name(), request.get(field.name()));
            }
            record.put("timestamp", request.getTimestamp().toEpochMilli());
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(new byte[WireFormat.HEADER_SIZE]);
            final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
            encoder.flush();
            final byte[] bytes = out.toByteArray();
            WireFormat.writeHeader(bytes, schemaId);
            return bytes;
        }

        private static Schema filler(int n) {
            return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Filler_" + RUN.replace('-', '_') + "_" + n
                    + "\",\"fields\":[]}");
        }

        /** Registers schemas of their own until the next ID is {@code id}, then {@code schema} under it. */
        private static void registerAs(HttpSchemaRegistryClient registry, Schema schema, int id) {
            for (int n = 1; n < 10; n++) {
                final int filled = registry.register("dlq-" + RUN + "-filler-" + n + "-value", filler(n));
                assertThat(filled).as("another client took schema ID %d meanwhile", id).isLessThan(id);
                if (filled == id - 1) {
                    break;
                }
            }
            assertThat(registry.register("dlq-" + RUN + "-value", schema)).isEqualTo(id);
        }

        private static void produce(String key, byte[] value) throws Exception {
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringSerializer(),
                    new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(TOPIC, key, value)).get();
            }
        }

        private static List<ConsumerRecord<byte[], byte[]>> awaitDeadLetters(List<String> keys) throws Exception {
            final List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
            for (String key : keys) {
                found.add(null);
            }
            try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
                consumer.subscribe(List.of(StreamsSettings.DEAD_LETTER_TOPIC));
                final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (found.contains(null) && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        final int index = record.key() == null ? -1
                                : keys.indexOf(new String(record.key(), StandardCharsets.UTF_8));
                        if (index >= 0) {
                            found.set(index, record);
                        }
                    }
                }
            }
            assertThat(found).as("dead letters keyed %s", keys).doesNotContainNull();
            return found;
        }

        /** The record on the topic that replays {@code deadLetter}. */
        private static ConsumerRecord<byte[], byte[]> replayOf(ConsumerRecord<byte[], byte[]> deadLetter) {
            final String from = StreamsSettings.DEAD_LETTER_TOPIC + "/" + deadLetter.partition() + "/"
                    + deadLetter.offset();
            try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
                consumer.subscribe(List.of(TOPIC));
                final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        if (from.equals(header(record, DeadLetterReplay.REPLAYED_FROM))) {
                            return record;
                        }
                    }
                }
            }
            throw new AssertionError("no record on " + TOPIC + " replays " + from);
        }

        private static Map<TopicPartition, Long> ends() {
            try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
                return consumer.endOffsets(consumer.partitionsFor(TOPIC).stream()
                        .map(info -> new TopicPartition(TOPIC, info.partition())).toList());
            }
        }

        private static KafkaConsumer<byte[], byte[]> consumer() {
            return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ConsumerConfig.GROUP_ID_CONFIG, "dlq-test-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
        }

        private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
            final Header header = record.headers().lastHeader(name);
            return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }
    }
}
