package io.eventline.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {

    @Test
    void shouldCreateTheDataDirectoryAndTheStreamsDirectoryForTheOwnerOnly(@TempDir Path dir) throws IOException {
        // Given a data directory whose parent does not exist yet
        final Path dataDir = dir.resolve("srv").resolve("data");
        final EventlineConfig config = EventlineConfig.load(Map.of("EVENTLINE_DATA_DIR", dataDir.toString()));

        // When
        PrivateFiles.prepareDataDir(config);

        // Then
        assertThat(permissions(dataDir)).isEqualTo("rwx------");
        assertThat(permissions(dataDir.resolve("streams"))).isEqualTo("rwx------");
        assertThat(permissions(dir.resolve("srv"))).isEqualTo("rwx------");
    }

    @Test
    void shouldNarrowAnExistingDirectoryThatOthersMayRead(@TempDir Path dir) throws IOException {
        // Given a data directory left readable by everyone, with a file inside
        final Path dataDir = Files.createDirectory(dir.resolve("data"));
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dataDir.resolve("kept"), "kept");

        // When
        PrivateFiles.directory(dataDir);

        // Then the owner keeps every right, the group and others lose theirs, and the contents stay
        assertThat(permissions(dataDir)).isEqualTo("rwx------");
        assertThat(dataDir.resolve("kept")).hasContent("kept");
    }

    @Test
    void shouldCreateFilesThatOnlyTheirOwnerCanReadAndNeverOverwriteOne(@TempDir Path dir) throws IOException {
        // Given
        final Path file = dir.resolve("secret");

        // When
        PrivateFiles.createFile(file, "s3cret\n");

        // Then
        assertThat(permissions(file)).isEqualTo("rw-------");
        assertThat(file).hasContent("s3cret");
        assertThatThrownBy(() -> PrivateFiles.createFile(file, "other")).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(file).hasContent("s3cret");
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
