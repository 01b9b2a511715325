package io.eventline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.URL;
import java.util.Map;
import org.apache.kafka.clients.NetworkClient;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.LogContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class KafkaNoticeFilterTest {
    /** How the client words it; it fills in the correlation ID and the topics' errors. */
    private static final String METADATA_ISSUE =
            "The metadata response from the cluster reported a recoverable issue with correlation id {} : {}";

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger networkClient = context.getLogger(NetworkClient.class);
    private final KafkaNoticeFilter filter = new KafkaNoticeFilter();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private Level levelBefore;

    /** Logs as the Kafka client does: through its log context, with the client's prefix. */
    private final org.slf4j.Logger kafkaLog =
            new LogContext("[Consumer clientId=app-1-StreamThread-1-consumer, groupId=app] ").logger(NetworkClient.class);

    @BeforeEach
    void install() {
        levelBefore = networkClient.getLevel();
        networkClient.setLevel(Level.WARN);
        logged.start();
        networkClient.addAppender(logged);
        filter.start();
        context.addTurboFilter(filter);
    }

    @AfterEach
    void uninstall() {
        context.getTurboFilterList().remove(filter);
        networkClient.detachAppender(logged);
        networkClient.setLevel(levelBefore);
    }

    @Test
    void shouldDropTheNoticeOfRepartitionTopicsNotCreatedYet() {
        // given the filter installed
        // when a Streams consumer's metadata names only its repartition topics unknown
        kafkaLog.warn(METADATA_ISSUE, 2, Map.of(
                "app-shorturl-code-claims-repartition", Errors.UNKNOWN_TOPIC_OR_PARTITION,
                "app-shorturl-links-by-owner-repartition", Errors.UNKNOWN_TOPIC_OR_PARTITION));

        // then nothing is logged
        assertThat(logged.list).isEmpty();
    }

    @Test
    void shouldKeepTheNoticeOfAnUnknownTopicThatIsNotARepartitionTopic() {
        // given the filter installed
        // when the metadata names a topic of the application's own unknown
        kafkaLog.warn(METADATA_ISSUE, 3, Map.of(
                "app-shorturl-code-claims-repartition", Errors.UNKNOWN_TOPIC_OR_PARTITION,
                "shorturl.links.v1", Errors.UNKNOWN_TOPIC_OR_PARTITION));

        // then the warning shows
        assertThat(logged.list).singleElement().extracting(ILoggingEvent::getFormattedMessage)
                .asString().contains("shorturl.links.v1=UNKNOWN_TOPIC_OR_PARTITION");
    }

    @Test
    void shouldKeepTheNoticeOfARepartitionTopicWithAnotherError() {
        // given the filter installed
        // when a repartition topic has no leader
        kafkaLog.warn(METADATA_ISSUE, 4,
                Map.of("app-shorturl-code-claims-repartition", Errors.LEADER_NOT_AVAILABLE));

        // then the warning shows
        assertThat(logged.list).hasSize(1);
    }

    @Test
    void shouldDropTheNoticeOfAClientClosedTwice() {
        // given the filter installed
        // when the broker's registration client is closed a second time
        kafkaLog.warn(KafkaNoticeFilter.CLOSED_TWICE);

        // then nothing is logged
        assertThat(logged.list).isEmpty();
    }

    @Test
    void shouldDropOnlyTheNoticeOfAnInternalTopicThatAnotherLookupCreatedFirst() {
        // given the filter installed, and the broker's topic-creation logger
        final Logger topicCreation = context.getLogger(KafkaNoticeFilter.TOPIC_CREATION);
        final Level before = topicCreation.getLevel();
        topicCreation.setLevel(Level.WARN);
        final ListAppender<ILoggingEvent> created = new ListAppender<>();
        created.start();
        topicCreation.addAppender(created);
        try {
            // when two lookups raced to create the transaction state, and another topic failed for a real reason
            topicCreation.warn("Auto topic creation failed for __transaction_state with error 'TOPIC_ALREADY_EXISTS':"
                    + " Topic '__transaction_state' already exists.");
            topicCreation.warn("Auto topic creation failed for __consumer_offsets with error 'POLICY_VIOLATION': no");

            // then only the real failure shows
            assertThat(created.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                    .contains("POLICY_VIOLATION");
        } finally {
            topicCreation.detachAppender(created);
            topicCreation.setLevel(before);
        }
    }

    @Test
    void shouldDropOnlyTheNoticeOfAStandbyWithNoInstanceToHoldIt() {
        // given the filter installed, and the logger of the assignor that places standby tasks
        final Logger assignor = context.getLogger(
                "org.apache.kafka.streams.processor.internals.assignment.DefaultStandbyTaskAssignor");
        final Level before = assignor.getLevel();
        assignor.setLevel(Level.WARN);
        final ListAppender<ILoggingEvent> assigned = new ListAppender<>();
        assigned.start();
        assignor.addAppender(assigned);
        try {
            // when a single instance is assigned a task, and then the assignor fails for another reason
            assignor.warn("Unable to assign {} of {} standby tasks for task [{}]. There is not enough available "
                    + "capacity. You should increase the number of application instances to maintain the requested "
                    + "number of standby replicas.", 1, 1, "0_3");
            assignor.warn("Assignment is invalid: standby task for stateless task {} was assigned", "1_0");

            // then only the other failure shows
            assertThat(assigned.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                    .contains("Assignment is invalid");
        } finally {
            assignor.detachAppender(assigned);
            assignor.setLevel(before);
        }
    }

    @Test
    void shouldKeepOtherWarningsOfTheNetworkClient() {
        // given the filter installed
        // when the client cannot reach a broker
        kafkaLog.warn("Connection to node {} ({}) could not be established. Node may not be available.", 1,
                "localhost/127.0.0.1:9092");

        // then the warning shows
        assertThat(logged.list).singleElement().extracting(ILoggingEvent::getLevel).isEqualTo(Level.WARN);
    }

    @Test
    void shouldBeInstalledByTheApplicationsLoggingConfiguration() throws Exception {
        // given the logging configuration the jar ships
        final URL config = getClass().getClassLoader().getResource("logback.xml");
        final LoggerContext shipped = new LoggerContext();
        final JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(shipped);

        // when it is read
        configurator.doConfigure(config);

        // then it installs the filter
        assertThat(shipped.getTurboFilterList()).hasAtLeastOneElementOfType(KafkaNoticeFilter.class);
        shipped.stop();
    }
}
