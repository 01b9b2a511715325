package io.eventline.auth;

import io.eventline.platform.EventlineConfig;
import io.eventline.platform.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Where the token secret comes from: {@code EVENTLINE_JWT_SECRET}, or in embedded mode a secret generated once
 * into the data directory, readable by its owner only. An instance joining an external cluster must be given the
 * shared secret.
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
            if (!Files.exists(file)) {
                PrivateFiles.directory(file.toAbsolutePath().getParent());
                final byte[] random = new byte[48];
                new SecureRandom().nextBytes(random);
                final String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
                try {
                    PrivateFiles.createFile(file, secret + "\n");
                    return secret;
                } catch (FileAlreadyExistsException raced) {
                    // another process sharing the data directory wrote it first: its secret is the one to use
                }
            }
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the JWT secret at " + file, e);
        }
    }
}
