package io.eventline.notify.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** HTTP plumbing shared by the HTTP-based provider clients. */
final class HttpSupport {


    /**
     * A UUID derived from the delivery ID, the same on every attempt: APNs' {@code apns-id} and the collapse key
     * of APNs and FCM, so a repeated push replaces the first on the device instead of showing twice.
     */
    static String deliveryUuid(String deliveryId) {
        return java.util.UUID.nameUUIDFromBytes(deliveryId.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString();
    }

    private static final int MAX_ERROR_BODY = 300;

    private HttpSupport() {}

    /** A failed exchange that carries the result to report, e.g. no HTTP response came back at all. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        private final transient ProviderResult result;

        Failure(ProviderResult result) {
            super(result.toString(), null, false, false);
            this.result = result;
        }

        ProviderResult result() {
            return result;
        }
    }

    static HttpClient newClient(HttpClient.Version version, Duration connectTimeout, Path caFile) {
        final HttpClient.Builder builder = HttpClient.newBuilder()
                .version(version)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (caFile != null) {
            builder.sslContext(sslContextTrusting(caFile));
        }
        return builder.build();
    }

    /** The JDK's default trust anchors plus the certificates in {@code caFile}. */
    static SSLContext sslContextTrusting(Path caFile) {
        try {
            final KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
            trustStore.load(null, null);
            final TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            int index = 0;
            for (var manager : defaults.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    for (X509Certificate issuer : x509.getAcceptedIssuers()) {
                        trustStore.setCertificateEntry("default-" + index++, issuer);
                    }
                }
            }
            for (X509Certificate certificate : Pem.certificates(caFile)) {
                trustStore.setCertificateEntry("custom-" + index++, certificate);
            }
            final TrustManagerFactory combined = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            combined.init(trustStore);
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, combined.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a trust store with " + caFile, e);
        }
    }

    /** Sends the request; a missing response (timeout, refused connection, TLS failure) becomes a {@link Failure}. */
    static HttpResponse<String> exchange(HttpClient client, HttpRequest request) throws Failure {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new Failure(new ProviderResult.Transient("timed out: " + request.uri().getHost(), null));
        } catch (ConnectException e) {
            throw new Failure(new ProviderResult.Transient("cannot connect to " + request.uri().getHost() + ": " + e, null));
        } catch (SSLException e) {
            throw new Failure(new ProviderResult.Transient("TLS failure with " + request.uri().getHost() + ": " + e, null));
        } catch (IOException e) {
            throw new Failure(new ProviderResult.Transient("I/O error with " + request.uri().getHost() + ": " + e, null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(new ProviderResult.Transient("interrupted", null));
        } catch (IllegalArgumentException e) {
            throw new Failure(new ProviderResult.Permanent("invalid request: " + e.getMessage(), false));
        }
    }

    /** Retry-After as delay-seconds or an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(HttpResponse<?> response, Clock clock) {
        return response.headers().firstValue("Retry-After").map(value -> parseRetryAfter(value, clock)).orElse(null);
    }

    static Duration parseRetryAfter(String value, Clock clock) {
        final String trimmed = value.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(trimmed)));
        } catch (NumberFormatException notSeconds) {
            try {
                final ZonedDateTime at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME);
                final Duration delay = Duration.between(clock.instant(), at.toInstant());
                return delay.isNegative() ? Duration.ZERO : delay;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    static boolean isRetryable(int status) {
        return status == 429 || status >= 500;
    }

    /** Parses a response body as JSON, or returns a missing node: providers sometimes answer errors in HTML. */
    static JsonNode json(ObjectMapper json, String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    static String describe(HttpResponse<String> response) {
        final String body = response.body() == null ? "" : response.body().strip();
        final String shortBody = body.length() > MAX_ERROR_BODY ? body.substring(0, MAX_ERROR_BODY) + "…" : body;
        return "HTTP " + response.statusCode() + (shortBody.isEmpty() ? "" : ": " + shortBody);
    }

    static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Percent-encodes one path segment (URLEncoder is for forms and turns spaces into '+'). */
    static String pathSegment(String value) {
        return encode(value).replace("+", "%20");
    }

    static String redacted(String secret) {
        return secret == null ? "null" : "****";
    }
}
