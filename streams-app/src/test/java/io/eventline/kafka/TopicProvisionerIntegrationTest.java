package io.eventline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class TopicProvisionerIntegrationTest {

    private Admin admin;
    private TopicProvisioner provisioner;

    @BeforeEach
    void setUp(KafkaCluster kafka) {
        admin = Admin.create(kafka.clientConfig());
        provisioner = new TopicProvisioner(admin);
    }

    @AfterEach
    void tearDown() {
        provisioner.close();
        admin.close();
    }

    @Test
    void shouldCreateMissingTopicsWithTheirPartitionsAndConfig(TestNames names) throws Exception {
        // Given
        final TopicSpec events = TopicSpec.of(names.topic("events"), 3);
        final TopicSpec leases = TopicSpec.of(names.topic("leases"), 1).compacted();

        // When
        final Set<String> created = provisioner.ensureTopics(events, leases);

        // Then
        assertThat(created).containsExactlyInAnyOrder(events.name(), leases.name());
        final Map<String, TopicDescription> descriptions =
                admin.describeTopics(List.of(events.name(), leases.name())).allTopicNames().get();
        assertThat(descriptions.get(events.name()).partitions()).hasSize(3);
        final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, leases.name());
        final Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
    }

    @Test
    void shouldCreateNothingWhenTopicsAlreadyExist(TestNames names) {
        // Given
        final TopicSpec spec = TopicSpec.of(names.topic("existing"), 2);
        provisioner.ensureTopics(spec);

        // When
        final Set<String> created = provisioner.ensureTopics(spec);

        // Then
        assertThat(created).isEmpty();
    }

    @Test
    void shouldReportPartitionCountMismatch(TestNames names) {
        // Given
        final String topic = names.topic("resized");
        provisioner.ensureTopics(TopicSpec.of(topic, 2));

        // When
        final List<TopicProvisioner.PartitionMismatch> mismatches =
                provisioner.checkPartitions(List.of(TopicSpec.of(topic, 4)));

        // Then
        assertThat(mismatches).containsExactly(new TopicProvisioner.PartitionMismatch(topic, 4, 2));
    }

    @Test
    void shouldTolerateInstancesCreatingTheSameTopicsConcurrently(KafkaCluster kafka, TestNames names)
            throws Exception {
        // Given
        final List<TopicSpec> specs = List.of(
                TopicSpec.of(names.topic("race-a"), 1),
                TopicSpec.of(names.topic("race-b"), 2));
        final Callable<Set<String>> provision = () -> {
            try (TopicProvisioner own = TopicProvisioner.connect(kafka.bootstrapServers())) {
                return own.ensureTopics(specs);
            }
        };
        final ExecutorService pool = Executors.newFixedThreadPool(4);

        // When
        final List<Future<Set<String>>> results;
        try {
            results = pool.invokeAll(List.of(provision, provision, provision, provision), 60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        // Then every call succeeds and each topic is created exactly once
        final List<String> createdByAnyone = new ArrayList<>();
        for (Future<Set<String>> result : results) {
            createdByAnyone.addAll(result.get());
        }
        assertThat(createdByAnyone).containsExactlyInAnyOrder(specs.get(0).name(), specs.get(1).name());
    }
}
