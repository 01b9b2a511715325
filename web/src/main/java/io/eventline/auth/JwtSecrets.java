package io.eventline.auth;

import io.eventline.platform.EventlineConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Where the token secret comes from: {@code EVENTLINE_JWT_SECRET}, or in embedded mode a secret generated once
 * into the data directory. An instance joining an external cluster must be given the shared secret.
 */
public final class JwtSecrets {
    static final String FILE_NAME = "jwt-secret";

    private JwtSecrets() {
    }

    public static String resolve(EventlineConfig config) {
        if (config.jwtSecret().isPresent()) {
            return config.jwtSecret().get();
        }
        if (!config.embeddedKafka()) {
            throw new EventlineConfig.ConfigException(
                    "EVENTLINE_JWT_SECRET must be set when joining a cluster (KAFKA_BOOTSTRAP_SERVERS is set), "
                            + "so every instance accepts the same tokens");
        }
        return readOrCreate(config.dataDir().resolve(FILE_NAME));
    }

    private static String readOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            final byte[] random = new byte[48];
            new SecureRandom().nextBytes(random);
            final String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.writeString(file, secret + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // non-POSIX file systems keep their default permissions
            }
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the JWT secret at " + file, e);
        }
    }
}
