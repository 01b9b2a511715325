package io.eventline.kafka;

import org.apache.kafka.common.utils.AppInfoParser;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The Testcontainers side of {@link KafkaClusterExtension}; kept in its own class so that it is loaded only when
 * Docker is used, because modules reusing the test-jar may not have Testcontainers on their classpath.
 */
final class ContainerCluster {

    private ContainerCluster() {
    }

    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    static KafkaClusterExtension.SharedCluster start(String image) {
        final String imageName = image == null || image.isBlank()
                ? "apache/kafka:" + AppInfoParser.getVersion()
                : image;
        final KafkaContainer container = new KafkaContainer(DockerImageName.parse(imageName)
                .asCompatibleSubstituteFor("apache/kafka"))
                // as the embedded broker: a test that forgets to create its topics fails under both
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
        container.start();
        return new KafkaClusterExtension.SharedCluster(container::getBootstrapServers, container::stop);
    }
}
