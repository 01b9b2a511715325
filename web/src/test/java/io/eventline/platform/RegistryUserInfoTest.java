package io.eventline.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryUserInfoTest {

    @Test
    void shouldGenerateCredentialsOnceIntoTheDataDirReadableByItsOwnerOnly(@TempDir Path dir) throws Exception {
        // Given an embedded instance without EVENTLINE_REGISTRY_USER_INFO
        final EventlineConfig config = EventlineConfig.load(Map.of("EVENTLINE_DATA_DIR", dir.toString()));

        // When
        final String first = RegistryUserInfo.forServer(config);
        final String second = RegistryUserInfo.forServer(config);

        // Then
        final Path file = dir.resolve(RegistryUserInfo.FILE_NAME);
        assertThat(first).startsWith("eventline:").hasSizeGreaterThan("eventline:".length() + 40);
        assertThat(second).isEqualTo(first);
        assertThat(Files.readString(file).trim()).isEqualTo(first);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(RegistryUserInfo.forClient(config)).contains(first);
        assertThat(RegistryUserInfo.forServer(EventlineConfig.load(Map.of("EVENTLINE_DATA_DIR",
                Files.createTempDirectory(dir, "other").toString())))).isNotEqualTo(first);
    }

    @Test
    void shouldTakeTheConfiguredCredentialsAndWriteNoFile(@TempDir Path dir) {
        // Given
        final EventlineConfig config = EventlineConfig.load(Map.of("EVENTLINE_DATA_DIR", dir.toString(),
                "EVENTLINE_REGISTRY_USER_INFO", "admin:s3cret",
                "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "ignored:while-embedded"));

        // Then the embedded registry and Eventline's own client use the same
        assertThat(RegistryUserInfo.forServer(config)).isEqualTo("admin:s3cret");
        assertThat(RegistryUserInfo.forClient(config)).contains("admin:s3cret");
        assertThat(dir.resolve(RegistryUserInfo.FILE_NAME)).doesNotExist();
    }

    @Test
    void shouldSendTheExternalRegistrysCredentialsWhenGiven(@TempDir Path dir) {
        // Given an external registry, with and without credentials for it
        final Map<String, String> external = Map.of("EVENTLINE_DATA_DIR", dir.toString(),
                "SCHEMA_REGISTRY_URL", "http://registry:8081");
        final EventlineConfig withCredentials = EventlineConfig.load(Map.of("EVENTLINE_DATA_DIR", dir.toString(),
                "SCHEMA_REGISTRY_URL", "http://registry:8081",
                "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "client:p4ss"));

        // Then
        assertThat(RegistryUserInfo.forClient(withCredentials)).contains("client:p4ss");
        assertThat(RegistryUserInfo.forClient(EventlineConfig.load(external))).isEmpty();
        assertThat(dir.resolve(RegistryUserInfo.FILE_NAME)).doesNotExist();
    }

    @Test
    void shouldRequireCredentialsForAnEmbeddedRegistryWhenJoiningACluster(@TempDir Path dir) {
        // Given instances sharing a cluster's registry log: generated credentials would differ per instance
        final EventlineConfig joining = EventlineConfig.load(Map.of("EVENTLINE_DATA_DIR", dir.toString(),
                "KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"));

        // Then
        assertThatThrownBy(() -> RegistryUserInfo.forServer(joining))
                .isInstanceOf(EventlineConfig.ConfigException.class)
                .hasMessageContaining("EVENTLINE_REGISTRY_USER_INFO");
        assertThat(RegistryUserInfo.forServer(EventlineConfig.load(Map.of("EVENTLINE_DATA_DIR", dir.toString(),
                "KAFKA_BOOTSTRAP_SERVERS", "kafka:9092", "EVENTLINE_REGISTRY_USER_INFO", "admin:s3cret"))))
                .isEqualTo("admin:s3cret");
    }

    @Test
    void shouldRefuseAGarbledCredentialsFileByName(@TempDir Path dir) throws Exception {
        // Given
        Files.writeString(dir.resolve(RegistryUserInfo.FILE_NAME), "no-colon\n");

        // Then
        assertThatThrownBy(() -> RegistryUserInfo.forServer(EventlineConfig.load(Map.of("EVENTLINE_DATA_DIR",
                dir.toString())))).hasMessageContaining(RegistryUserInfo.FILE_NAME).message().doesNotContain("no-colon");
    }
}
