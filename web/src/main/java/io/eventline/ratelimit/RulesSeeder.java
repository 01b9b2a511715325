package io.eventline.ratelimit;

import io.eventline.clients.EventProducer;
import io.eventline.kafka.TopicContents;
import io.eventline.platform.EventlineConfig.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeds {@code ratelimit.rules.v1} from the rules file (or the built-in defaults) while the topic has never held
 * a record; from then on the topic is the source of truth and the file is not read again.
 */
public final class RulesSeeder {
    private static final Logger LOG = LoggerFactory.getLogger(RulesSeeder.class);
    private static final long TIMEOUT_SECONDS = 30;

    private final Admin admin;
    private final EventProducer producer;
    private final Clock clock;

    public RulesSeeder(Admin admin, EventProducer producer, Clock clock) {
        this.admin = admin;
        this.producer = producer;
        this.clock = clock;
    }

    /** Reads the rules to seed: the file's, or the defaults; a bad file stops the start with its violations. */
    public List<RateLimitRules> rulesToSeed(Optional<Path> file) {
        if (file.isEmpty()) {
            return RuleConfigs.defaults(clock.instant());
        }
        final String text;
        try {
            text = Files.readString(file.get());
        } catch (IOException e) {
            throw new ConfigException("cannot read EVENTLINE_RATELIMIT_RULES " + file.get() + ": " + e.getMessage());
        }
        try {
            return RuleConfigs.parseFile(text, clock.instant());
        } catch (InvalidRulesException e) {
            throw new ConfigException("EVENTLINE_RATELIMIT_RULES " + file.get() + " is invalid: "
                    + e.violations().stream().map(v -> v.pointer() + " " + v.detail())
                    .collect(Collectors.joining("; ")));
        }
    }

    /** Seeds {@code rules} if the topic is empty; returns the domains seeded (none if it held rules already). */
    public List<String> seedIfEmpty(List<RateLimitRules> rules) throws InterruptedException, ExecutionException,
            java.util.concurrent.TimeoutException {
        final String topic = RateLimitTopics.RULES.name();
        if (!TopicContents.neverWritten(admin, topic)) {
            LOG.info("{} already holds rate-limit rules; they stay as they are", topic);
            return List.of();
        }
        for (RateLimitRules domain : rules) {
            producer.send(RateLimitTopics.RULES, domain).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        final List<String> domains = rules.stream().map(RateLimitRules::getDomain).toList();
        LOG.info("Seeded rate-limit rules of {}", domains);
        return domains;
    }
}
