package io.eventline.notify.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where and as whom {@link FcmClient} talks to Firebase Cloud Messaging (HTTP v1).
 *
 * @param endpoint       base URL of the FCM API, e.g. {@code https://fcm.googleapis.com}
 * @param serviceAccount the Google service account whose key signs the OAuth2 assertion
 */
public record FcmSettings(URI endpoint, ServiceAccount serviceAccount, Duration connectTimeout, Duration requestTimeout) {

    public static final String SERVICE_ACCOUNT_FILE = "EVENTLINE_FCM_SERVICE_ACCOUNT_FILE";
    public static final String URL = "EVENTLINE_FCM_URL";
    public static final String DEFAULT_URL = "https://fcm.googleapis.com";

    public FcmSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        // paths are appended to it
        endpoint = URI.create(Env.stripTrailingSlash(endpoint.toString()));
        Objects.requireNonNull(serviceAccount, "serviceAccount");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    /**
     * Settings from environment-style variables; empty when no service-account file is set.
     *
     * @throws IllegalArgumentException when the file is set but unreadable or incomplete
     */
    /** @param json reads the service-account file */
    public static Optional<FcmSettings> from(Function<String, String> lookup, ObjectMapper json) {
        final Env env = new Env(lookup);
        final Path file = env.path(SERVICE_ACCOUNT_FILE);
        if (file == null) {
            return Optional.empty();
        }
        return Optional.of(new FcmSettings(env.uri(URL, DEFAULT_URL), ServiceAccount.read(file, json),
                Env.DEFAULT_CONNECT_TIMEOUT, Env.DEFAULT_REQUEST_TIMEOUT));
    }

    static String notConfiguredReason() {
        return "FCM not configured: set " + SERVICE_ACCOUNT_FILE;
    }

    public FcmSettings withTimeouts(Duration connect, Duration request) {
        return new FcmSettings(endpoint, serviceAccount, connect, request);
    }

    /** The fields of a Google service-account key file that the OAuth2 JWT-bearer flow needs. */
    public record ServiceAccount(String projectId, String clientEmail, String privateKeyId, String privateKeyPem,
                                 URI tokenUri) {

        public ServiceAccount {
            Objects.requireNonNull(projectId, "project_id");
            Objects.requireNonNull(clientEmail, "client_email");
            Objects.requireNonNull(privateKeyPem, "private_key");
            Objects.requireNonNull(tokenUri, "token_uri");
        }

        /** Reads a service-account JSON key file as downloaded from the Google Cloud console. */
        public static ServiceAccount read(Path file, ObjectMapper mapper) {
            final JsonNode json;
            try {
                json = mapper.readTree(Files.readString(file));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read service account file " + file, e);
            }
            final String missing = firstMissing(json, "project_id", "client_email", "private_key", "token_uri");
            if (missing != null) {
                throw new IllegalArgumentException("service account file " + file + " has no " + missing);
            }
            return new ServiceAccount(json.get("project_id").asText(), json.get("client_email").asText(),
                    json.path("private_key_id").asText(null), json.get("private_key").asText(),
                    URI.create(json.get("token_uri").asText()));
        }

        private static String firstMissing(JsonNode json, String... fields) {
            for (String field : fields) {
                if (!json.path(field).isTextual() || json.path(field).asText().isBlank()) {
                    return field;
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return "ServiceAccount[projectId=" + projectId + ", clientEmail=" + clientEmail + ", privateKeyId="
                    + privateKeyId + ", privateKeyPem=" + HttpSupport.redacted(privateKeyPem) + ", tokenUri=" + tokenUri + "]";
        }
    }
}
