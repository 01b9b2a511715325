package io.eventline.notify.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Sends SMS through Twilio's Messages API ({@code POST /2010-04-01/Accounts/{sid}/Messages.json}) with HTTP
 * Basic authentication. The text sent is the message's {@code body}, or its {@code text} when there is no body.
 */
public final class TwilioSmsClient implements ProviderClient {

    /** 21211: invalid 'To' number; 21614: 'To' is not a mobile number. */
    private static final Set<Integer> DEAD_NUMBER_CODES = Set.of(21211, 21614);

    private final TwilioSmsSettings settings;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final HttpClient http;
    private final URI messagesUri;
    private final String authorization;

    /** @param json the instance's JSON mapper, for request and response bodies */
    public TwilioSmsClient(TwilioSmsSettings settings, ObjectMapper json) {
        this(settings, json, Clock.systemUTC());
    }

    TwilioSmsClient(TwilioSmsSettings settings, ObjectMapper json, Clock clock) {
        this.settings = settings;
        this.mapper = json;
        this.clock = clock;
        this.http = HttpSupport.newClient(HttpClient.Version.HTTP_2, settings.connectTimeout(), null);
        this.messagesUri = URI.create(settings.endpoint() + "/2010-04-01/Accounts/"
                + HttpSupport.pathSegment(settings.accountSid()) + "/Messages.json");
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (settings.accountSid() + ":" + settings.authToken()).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public ProviderResult send(OutgoingMessage message) {
        final Map<String, String> form = new LinkedHashMap<>();
        form.put("To", message.address());
        form.put("From", settings.from());
        form.put("Body", message.body() != null ? message.body() : message.text() == null ? "" : message.text());
        final HttpResponse<String> response;
        try {
            response = HttpSupport.exchange(http, HttpRequest.newBuilder(messagesUri)
                    .timeout(settings.requestTimeout())
                    .header("Authorization", authorization)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(HttpSupport.form(form), StandardCharsets.UTF_8))
                    .build());
        } catch (HttpSupport.Failure e) {
            return e.result();
        }
        return interpret(response);
    }

    private ProviderResult interpret(HttpResponse<String> response) {
        final int status = response.statusCode();
        final JsonNode json = HttpSupport.json(mapper, response.body());
        if (status == 200 || status == 201) {
            return new ProviderResult.Sent(json.path("sid").asText(null));
        }
        final String error = "Twilio " + HttpSupport.describe(response);
        if (HttpSupport.isRetryable(status)) {
            return new ProviderResult.Transient(error, HttpSupport.retryAfter(response, clock));
        }
        return new ProviderResult.Permanent(error, DEAD_NUMBER_CODES.contains(json.path("code").asInt()));
    }
}
