package io.eventline.notify.delivery;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sends notifications through Firebase Cloud Messaging HTTP v1. Access tokens come from the OAuth2 JWT-bearer
 * flow with the service account's RSA key and are cached until a minute before they expire.
 */
public final class FcmClient implements ProviderClient {

    static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";

    private static final Duration ASSERTION_LIFETIME = Duration.ofHours(1);
    private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(60);

    private final FcmSettings settings;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final Algorithm signer;
    private final HttpClient http;
    private final URI sendUri;

    private String accessToken;
    private Instant accessTokenUsableUntil;

    /** Decodes the service account's key now, so a broken key fails at startup rather than on the first send. */
    /** @param json the instance's JSON mapper, for request and response bodies */
    public FcmClient(FcmSettings settings, ObjectMapper json) {
        this(settings, json, Clock.systemUTC());
    }

    FcmClient(FcmSettings settings, ObjectMapper json, Clock clock) {
        this.settings = settings;
        this.mapper = json;
        this.clock = clock;
        this.signer = Algorithm.RSA256(null, (RSAPrivateKey) Pem.privateKey(settings.serviceAccount().privateKeyPem(), "RSA"));
        this.http = HttpSupport.newClient(HttpClient.Version.HTTP_2, settings.connectTimeout(), null);
        this.sendUri = URI.create(settings.endpoint() + "/v1/projects/"
                + HttpSupport.pathSegment(settings.serviceAccount().projectId()) + "/messages:send");
    }

    @Override
    public ProviderResult send(OutgoingMessage message) {
        final String token;
        final HttpResponse<String> response;
        try {
            token = accessToken();
            response = HttpSupport.exchange(http, HttpRequest.newBuilder(sendUri)
                    .timeout(settings.requestTimeout())
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json; charset=UTF-8")
                    .POST(HttpRequest.BodyPublishers.ofString(payload(message), StandardCharsets.UTF_8))
                    .build());
        } catch (HttpSupport.Failure e) {
            return e.result();
        } catch (JsonProcessingException e) {
            return new ProviderResult.Permanent("cannot build FCM request: " + e.getMessage(), false);
        }
        return interpret(response, token);
    }

    private ProviderResult interpret(HttpResponse<String> response, String tokenUsed) {
        final int status = response.statusCode();
        final JsonNode json = HttpSupport.json(mapper, response.body());
        if (status == 200) {
            return new ProviderResult.Sent(json.path("name").asText(null));
        }
        final String error = "FCM " + HttpSupport.describe(response);
        final JsonNode details = json.path("error").path("details");
        if (status == 404 || hasErrorCode(details, "UNREGISTERED")) {
            return new ProviderResult.Permanent(error, true);
        }
        if (status == 400 && hasErrorCode(details, "INVALID_ARGUMENT")) {
            // INVALID_ARGUMENT also covers a bad payload; only a token problem may retire the device
            return new ProviderResult.Permanent(error, !blamesFieldOtherThanToken(details));
        }
        if (status == 401) {
            discardAccessToken(tokenUsed);
            return new ProviderResult.Transient(error, null);
        }
        if (HttpSupport.isRetryable(status)) {
            return new ProviderResult.Transient(error, HttpSupport.retryAfter(response, clock));
        }
        return new ProviderResult.Permanent(error, false);
    }

    private static boolean hasErrorCode(JsonNode details, String code) {
        for (JsonNode detail : details) {
            if (code.equals(detail.path("errorCode").asText())) {
                return true;
            }
        }
        return false;
    }

    private static boolean blamesFieldOtherThanToken(JsonNode details) {
        for (JsonNode detail : details) {
            for (JsonNode violation : detail.path("fieldViolations")) {
                final String field = violation.path("field").asText("");
                if (!field.isEmpty() && !"message.token".equals(field)) {
                    return true;
                }
            }
        }
        return false;
    }

    private String payload(OutgoingMessage message) throws JsonProcessingException {
        final ObjectNode root = mapper.createObjectNode();
        final ObjectNode fcm = root.putObject("message");
        fcm.put("token", message.address());
        final ObjectNode notification = fcm.putObject("notification");
        notification.put("title", message.title());
        notification.put("body", message.body());
        // a repeat of the same delivery collapses with the first while the device is offline (collapse_key) and
        // replaces it in the notification drawer once shown (tag)
        final String repeatKey = HttpSupport.deliveryUuid(message.deliveryId());
        final ObjectNode android = fcm.putObject("android");
        android.put("collapse_key", repeatKey);
        android.putObject("notification").put("tag", repeatKey);
        if (!message.data().isEmpty()) {
            final ObjectNode data = fcm.putObject("data");
            message.data().forEach(data::put);
        }
        return mapper.writeValueAsString(root);
    }

    private synchronized String accessToken() throws HttpSupport.Failure {
        final Instant now = clock.instant();
        if (accessToken != null && now.isBefore(accessTokenUsableUntil)) {
            return accessToken;
        }
        final FcmSettings.ServiceAccount account = settings.serviceAccount();
        final Instant issuedAt = Instant.ofEpochSecond(now.getEpochSecond());
        final String assertion = JWT.create()
                .withKeyId(account.privateKeyId())
                .withIssuer(account.clientEmail())
                .withAudience(account.tokenUri().toString())
                .withClaim("scope", SCOPE)
                .withIssuedAt(issuedAt)
                .withExpiresAt(issuedAt.plus(ASSERTION_LIFETIME))
                .sign(signer);
        final Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
        form.put("assertion", assertion);
        final HttpResponse<String> response = HttpSupport.exchange(http, HttpRequest.newBuilder(account.tokenUri())
                .timeout(settings.requestTimeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(HttpSupport.form(form), StandardCharsets.UTF_8))
                .build());
        final String error = "FCM token exchange " + HttpSupport.describe(response);
        if (HttpSupport.isRetryable(response.statusCode())) {
            throw new HttpSupport.Failure(new ProviderResult.Transient(error, HttpSupport.retryAfter(response, clock)));
        }
        final JsonNode json = HttpSupport.json(mapper, response.body());
        if (response.statusCode() != 200) {
            // invalid_grant and friends: a key or clock problem that resending will not fix
            throw new HttpSupport.Failure(new ProviderResult.Permanent(error, false));
        }
        if (!json.path("access_token").isTextual()) {
            throw new HttpSupport.Failure(new ProviderResult.Transient(error + " (no access_token)", null));
        }
        accessToken = json.get("access_token").asText();
        accessTokenUsableUntil = now.plusSeconds(json.path("expires_in").asLong(ASSERTION_LIFETIME.toSeconds()))
                .minus(EXPIRY_MARGIN);
        return accessToken;
    }

    /** Drops the token only if no other thread has renewed it meanwhile. */
    private synchronized void discardAccessToken(String token) {
        if (token.equals(accessToken)) {
            accessToken = null;
        }
    }
}
