package io.eventline.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory and what Eventline writes into it are its owner's alone: the broker's log holds chat text,
 * e-mail addresses and device tokens, and generated secrets sit next to it. Directories are created
 * {@code rwx------} and files {@code rw-------} from the start, not narrowed after the fact. On file systems
 * without POSIX permissions the system's defaults apply.
 */
public final class PrivateFiles {
    private static final Logger LOG = LoggerFactory.getLogger(PrivateFiles.class);
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> GROUP_AND_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PrivateFiles() {
    }

    /**
     * Makes the instance's data directory, and the directory its streams keep their state in, private before
     * anything writes into them.
     */
    public static void prepareDataDir(EventlineConfig config) {
        directory(config.dataDir());
        directory(config.streamsStateDir().getParent());
    }

    /**
     * Creates {@code dir} and its missing parents owner-only; an existing one that the group or others may use is
     * narrowed to its owner, and the change logged.
     *
     * @return {@code dir}
     */
    public static Path directory(Path dir) {
        try {
            if (!posix(dir)) {
                return Files.createDirectories(dir);
            }
            if (!Files.isDirectory(dir)) {
                return Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
            }
            final Set<PosixFilePermission> before = Files.getPosixFilePermissions(dir);
            final Set<PosixFilePermission> after = EnumSet.copyOf(before);
            after.removeAll(GROUP_AND_OTHERS);
            if (!after.equals(before)) {
                Files.setPosixFilePermissions(dir, after);
                LOG.info("Made {} private to its owner (was {}, now {}): it holds messages, addresses and secrets",
                        dir.toAbsolutePath().normalize(), PosixFilePermissions.toString(before),
                        PosixFilePermissions.toString(after));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the private directory " + dir, e);
        }
    }

    /**
     * Narrows an existing directory that a library created with group access to its owner, without a word:
     * Kafka Streams sets its state directories to {@code rwxr-x---} whenever an application is constructed.
     */
    public static void keepPrivate(Path dir) {
        try {
            if (!posix(dir) || !Files.isDirectory(dir)) {
                return;
            }
            final Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir);
            if (permissions.removeAll(GROUP_AND_OTHERS)) {
                Files.setPosixFilePermissions(dir, permissions);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + dir + " private", e);
        }
    }

    /**
     * Creates {@code file} holding {@code content}, readable and writable by its owner only from its first byte.
     *
     * @throws java.nio.file.FileAlreadyExistsException if it exists
     */
    public static void createFile(Path file, String content) throws IOException {
        final Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try (SeekableByteChannel channel = posix(file)
                ? Files.newByteChannel(file, options, PosixFilePermissions.asFileAttribute(FILE))
                : Files.newByteChannel(file, options)) {
            final ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
