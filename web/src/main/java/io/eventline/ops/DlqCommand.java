package io.eventline.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.kafka.EmbeddedKafkaBroker;
import io.eventline.platform.EventlineConfig;
import io.eventline.platform.Platform;
import io.eventline.platform.RegistryUserInfo;
import io.eventline.registry.client.HttpSchemaRegistryClient;
import io.eventline.serde.EventSerdes;
import io.eventline.serde.Json;
import io.eventline.shorturl.BoundedResolver;
import io.eventline.shorturl.LinkRequestChecker;
import io.eventline.shorturl.LinkUrls;
import io.eventline.shorturl.ShortUrlRequested;
import io.eventline.shorturl.ShortUrlTopics;
import io.eventline.streams.StreamsSettings;
import io.eventline.topics.Topic;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code eventline dlq}: the dead-letter topic's tools. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "Work with the dead letters on " + StreamsSettings.DEAD_LETTER_TOPIC + ".",
        subcommands = DlqCommand.Replay.class)
public final class DlqCommand {
    private final Map<String, String> environment;
    private final Clock clock;

    /** With the process's environment, as an instance reads it. */
    public DlqCommand() {
        this(System.getenv(), Clock.systemUTC());
    }

    /** With {@code environment} instead of the process's (the settings an instance would run with). */
    public DlqCommand(Map<String, String> environment, Clock clock) {
        this.environment = Map.copyOf(environment.entrySet().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        this.clock = clock;
    }

    /** Produces the dead letters of a topic that now pass back to it, and reports those that still fail. */
    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = {"Re-produce the dead letters of TOPIC that its consumers can now read, and report those "
                    + "that still fail.",
                    "Joins the cluster as an instance does (KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL, "
                            + "EVENTLINE_KAFKA_PROPERTIES_FILE, ...; the embedded broker and registry of "
                            + "./eventline run when unset). A dead letter already replayed is not replayed again."})
    static final class Replay implements Callable<Integer> {
        /** As long as the instances wait for a link's host name to resolve. */
        private static final Duration LINK_LOOKUP_TIMEOUT = Duration.ofSeconds(2);
        /** The exit code when some dead letters still fail (2 is picocli's for a usage error). */
        static final int STILL_FAILING_EXIT = 1;

        @CommandLine.ParentCommand
        DlqCommand parent;

        @Option(names = "--topic", required = true, paramLabel = "TOPIC",
                description = "the topic the records were read from, e.g. shorturl.requests.v1")
        String topic;

        @Option(names = "--since", paramLabel = "TIME",
                description = "only dead letters from TIME on: an ISO-8601 instant (2026-01-31T09:00:00Z) or a time "
                        + "ago (90s, 30m, 2h, 7d)")
        String since;

        @Option(names = "--dry-run", description = "check and report only; produce nothing")
        boolean dryRun;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            final Optional<Instant> from;
            try {
                from = Optional.ofNullable(since).map(text -> SinceTime.parse(text, parent.clock));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--since " + e.getMessage());
            }
            final EventlineConfig config = EventlineConfig.load(parent.environment);
            final Topic<?> source = topic(config);
            final PrintWriter out = spec.commandLine().getOut();
            final DeadLetterReplay.Report report;
            try (BoundedResolver resolver = new BoundedResolver(LINK_LOOKUP_TIMEOUT, 2)) {
                report = replay(config, resolver).replay(source, from, dryRun);
            }
            for (DeadLetterReplay.Verdict verdict : report.verdicts()) {
                out.println(line(verdict));
            }
            out.println(report.summary());
            out.flush();
            // a script running the replay learns that records are left, as the operator reads it in the report
            return report.count(DeadLetterReplay.Outcome.STILL_FAILING) > 0 ? STILL_FAILING_EXIT : 0;
        }

        private Topic<?> topic(EventlineConfig config) {
            final Map<String, Topic<?>> topics = new Platform(config, parent.clock).topics().stream()
                    .collect(Collectors.toMap(Topic::name, t -> t, (a, b) -> a, java.util.TreeMap::new));
            final Topic<?> found = topics.get(topic);
            if (found == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--topic " + topic + " is not one of "
                        + "Eventline's topics: " + String.join(", ", topics.keySet()));
            }
            return found;
        }

        private static DeadLetterReplay replay(EventlineConfig config, BoundedResolver resolver) {
            final String bootstrap = config.kafkaBootstrapServers()
                    .orElse(EmbeddedKafkaBroker.DEFAULT_HOST + ":" + config.kafkaPort());
            final String registryUrl = config.schemaRegistryUrl()
                    .orElse("http://" + EmbeddedKafkaBroker.DEFAULT_HOST + ":" + config.registryPort());
            final ObjectMapper json = Json.mapper();
            final HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(registryUrl,
                    RegistryUserInfo.forClient(config), json);
            // the checks a topology makes beyond reading and keying, which refuse records to the dead letters
            final LinkUrls links = LinkUrls.forService(List.of(config.publicUrl(), config.advertisedUrl()),
                    config.httpPort(), resolver);
            final Map<String, DeadLetterReplay.ContentCheck> checks = Map.of(ShortUrlTopics.REQUESTS.name(),
                    event -> LinkRequestChecker.refusal(links, (ShortUrlRequested) event));
            return new DeadLetterReplay(config.kafkaClientConfig(bootstrap), new EventSerdes(registry),
                    StreamsSettings.DEAD_LETTER_TOPIC, checks);
        }

        private static String line(DeadLetterReplay.Verdict verdict) {
            final StringBuilder line = new StringBuilder(String.format(java.util.Locale.ROOT, "%-16s %s/%d/%d",
                    verdict.outcome().label(), StreamsSettings.DEAD_LETTER_TOPIC, verdict.partition(),
                    verdict.offset()));
            line.append(" from ").append(verdict.source()).append(" at ").append(verdict.at())
                    .append(" key ").append(verdict.key() == null ? "(none)" : "'" + verdict.key() + "'");
            if (verdict.reason() != null) {
                line.append(": ").append(verdict.reason());
            } else if (verdict.deadLettered() != null) {
                line.append(" (dead-lettered: ").append(verdict.deadLettered()).append(')');
            }
            return line.toString();
        }
    }
}
