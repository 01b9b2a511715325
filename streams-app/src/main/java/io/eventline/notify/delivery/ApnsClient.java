package io.eventline.notify.delivery;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Sends alert notifications through Apple's HTTP/2 provider API with token-based (ES256 JWT) authentication.
 * The provider token is cached and renewed every {@value #TOKEN_LIFETIME_MINUTES} minutes: Apple rejects tokens
 * older than an hour and throttles renewals more frequent than every 20 minutes.
 */
public final class ApnsClient implements ProviderClient {

    static final long TOKEN_LIFETIME_MINUTES = 50;

    private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(TOKEN_LIFETIME_MINUTES);
    private static final Set<String> DEAD_TOKEN_REASONS = Set.of("BadDeviceToken", "Unregistered", "DeviceTokenNotForTopic");

    private final ApnsSettings settings;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final Algorithm signer;
    private final HttpClient http;

    private String providerToken;
    private Instant providerTokenIssuedAt;

    /** Reads the signing key now, so a broken key file fails at startup rather than on the first send. */
    /** @param json the instance's JSON mapper, for request and response bodies */
    public ApnsClient(ApnsSettings settings, ObjectMapper json) {
        this(settings, json, Clock.systemUTC());
    }

    ApnsClient(ApnsSettings settings, ObjectMapper json, Clock clock) {
        this.settings = settings;
        this.mapper = json;
        this.clock = clock;
        this.signer = Algorithm.ECDSA256(null, (ECPrivateKey) Pem.privateKey(settings.privateKeyFile(), "EC"));
        this.http = HttpSupport.newClient(HttpClient.Version.HTTP_2, settings.connectTimeout(), settings.caFile());
    }

    @Override
    public ProviderResult send(OutgoingMessage message) {
        final String apnsId = HttpSupport.deliveryUuid(message.deliveryId());
        final String token = providerToken();
        final HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(settings.endpoint() + "/3/device/" + HttpSupport.pathSegment(message.address())))
                    .version(HttpClient.Version.HTTP_2)
                    .timeout(settings.requestTimeout())
                    .header("authorization", "bearer " + token)
                    .header("apns-topic", settings.topic())
                    .header("apns-push-type", "alert")
                    .header("apns-priority", "10")
                    .header("apns-id", apnsId)
                    .header("apns-collapse-id", apnsId)
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(payload(message), StandardCharsets.UTF_8));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return new ProviderResult.Permanent("cannot build APNs request: " + e.getMessage(), false);
        }
        if (settings.timeToLive() != null) {
            request.header("apns-expiration", Long.toString(clock.instant().plus(settings.timeToLive()).getEpochSecond()));
        }
        final HttpResponse<String> response;
        try {
            response = HttpSupport.exchange(http, request.build());
        } catch (HttpSupport.Failure e) {
            return e.result();
        }
        return interpret(response, apnsId, token);
    }

    private ProviderResult interpret(HttpResponse<String> response, String apnsId, String tokenUsed) {
        final int status = response.statusCode();
        if (status == 200) {
            return new ProviderResult.Sent(response.headers().firstValue("apns-id").orElse(apnsId));
        }
        final String reason = HttpSupport.json(mapper, response.body()).path("reason").asText("");
        final String error = "APNs " + status + (reason.isEmpty() ? "" : " " + reason);
        if (status == 410 || (status == 400 && DEAD_TOKEN_REASONS.contains(reason))) {
            return new ProviderResult.Permanent(error, true);
        }
        if (status == 403 && "ExpiredProviderToken".equals(reason)) {
            discardProviderToken(tokenUsed);
            return new ProviderResult.Transient(error, null);
        }
        if (HttpSupport.isRetryable(status)) {
            return new ProviderResult.Transient(error, HttpSupport.retryAfter(response, clock));
        }
        return new ProviderResult.Permanent(error, false);
    }

    private String payload(OutgoingMessage message) throws JsonProcessingException {
        final ObjectNode root = mapper.createObjectNode();
        final ObjectNode aps = root.putObject("aps");
        final ObjectNode alert = aps.putObject("alert");
        alert.put("title", message.title());
        alert.put("body", message.body());
        aps.put("sound", "default");
        for (Map.Entry<String, String> entry : message.data().entrySet()) {
            // custom keys sit beside "aps" and must not replace it
            if (!"aps".equals(entry.getKey())) {
                root.put(entry.getKey(), entry.getValue());
            }
        }
        return mapper.writeValueAsString(root);
    }

    private synchronized String providerToken() {
        final Instant now = clock.instant();
        if (providerToken == null || !now.isBefore(providerTokenIssuedAt.plus(TOKEN_LIFETIME))) {
            providerTokenIssuedAt = now;
            providerToken = JWT.create()
                    .withKeyId(settings.keyId())
                    .withIssuer(settings.teamId())
                    .withIssuedAt(Instant.ofEpochSecond(now.getEpochSecond()))
                    .sign(signer);
        }
        return providerToken;
    }

    /** Drops the token only if no other thread has renewed it meanwhile. */
    private synchronized void discardProviderToken(String token) {
        if (token.equals(providerToken)) {
            providerToken = null;
        }
    }
}
