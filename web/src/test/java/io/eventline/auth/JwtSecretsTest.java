package io.eventline.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.platform.EventlineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtSecretsTest {

    @Test
    void shouldGenerateTheSecretIntoAFileOnlyItsOwnerCanReadAndKeepIt(@TempDir Path dir) throws Exception {
        // Given an embedded instance with no secret configured
        final EventlineConfig config = EventlineConfig.load(Map.of("EVENTLINE_DATA_DIR",
                dir.resolve("data").toString()));

        // When
        final String secret = JwtSecrets.resolve(config);

        // Then the file holding it was created rw------- (the mode is set as it is created, not after writing)
        final Path file = dir.resolve("data").resolve(JwtSecrets.FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(secret).hasSizeGreaterThanOrEqualTo(32);
        assertThat(JwtSecrets.resolve(config)).isEqualTo(secret);
    }
}
