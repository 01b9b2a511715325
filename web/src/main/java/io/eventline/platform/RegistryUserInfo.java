package io.eventline.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The schema registry's credentials, {@code user:password}: those the embedded registry takes for writes,
 * {@code EVENTLINE_REGISTRY_USER_INFO} or in embedded mode a password generated once into the data directory,
 * and those Eventline's own client sends.
 */
public final class RegistryUserInfo {
    /** The file in the data directory that holds generated credentials, readable by its owner only. */
    public static final String FILE_NAME = "registry-user-info";
    /** The user of generated credentials. */
    public static final String GENERATED_USER = "eventline";

    private RegistryUserInfo() {
    }

    /** What the embedded registry takes for writes. */
    public static String forServer(EventlineConfig config) {
        if (config.registry().userInfo().isPresent()) {
            return config.registry().userInfo().get();
        }
        if (!config.embeddedKafka()) {
            throw new EventlineConfig.ConfigException(
                    "EVENTLINE_REGISTRY_USER_INFO must be set when joining a cluster (KAFKA_BOOTSTRAP_SERVERS is set), "
                            + "so every instance's registry takes the same credentials");
        }
        return readOrCreate(config.dataDir().resolve(FILE_NAME));
    }

    /**
     * What Eventline's own client sends: the embedded registry's credentials, or for an external registry
     * {@code SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO}, if set.
     */
    public static Optional<String> forClient(EventlineConfig config) {
        return config.embeddedRegistry() ? Optional.of(forServer(config)) : config.registry().clientUserInfo();
    }

    private static String readOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                final String userInfo = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!RegistrySettings.isUserInfo(userInfo)) {
                    throw new EventlineConfig.ConfigException(file + " must hold user:password; delete it to have "
                            + "new registry credentials generated");
                }
                return userInfo;
            }
            PrivateFiles.directory(file.toAbsolutePath().getParent());
            final byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            final String userInfo = GENERATED_USER + ":"
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            PrivateFiles.createFile(file, userInfo + "\n");
            return userInfo;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the registry credentials at " + file, e);
        }
    }
}
