package io.eventline.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.http.ApiRoute;
import io.eventline.http.EventlineWeb;
import io.eventline.ratelimit.ClientAddress;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The internal path over a real socket: a request signed by an instance reaches the internal twin of a route and
 * acts for the caller it names; anything unsigned, altered, foreign, late or repeated is a 401, and the public
 * route never takes a client's headers for an instance's.
 */
class InternalCallsTest {
    private static final String SECRET = "a-secret-of-at-least-thirty-two-characters";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final InternalCalls.Caller ALICE = new InternalCalls.Caller(
            new Principal("alice", Set.of("admin", "service")), "203.0.113.9", false);

    private final HttpClient http = HttpClient.newHttpClient();
    private final InternalCalls calls = new InternalCalls(SECRET, Clock.systemUTC(), Duration.ofSeconds(10));
    private final ClientAddress clients = new ClientAddress(List.of());
    private Javalin app;

    @BeforeEach
    void startServer() {
        final JwtAuth auth = new JwtAuth(SECRET, Clock.systemUTC());
        final List<ApiRoute> routes = List.of(
                ApiRoute.api(HandlerType.GET, "/api/v1/echo", "test", "who is asking", this::echo),
                ApiRoute.open(HandlerType.GET, "/{code}", "test", "an open catch-all", this::echo));
        app = EventlineWeb.create(routes, InternalCalls.twins(routes, Set.of()), List.of(), auth, calls, JSON,
                new SimpleMeterRegistry());
        app.start("127.0.0.1", 0);
    }

    @AfterEach
    void stopServer() {
        app.stop();
    }

    private void echo(Context ctx) {
        final Principal principal = JwtAuth.optionalPrincipal(ctx).orElse(null);
        ctx.json(Map.of("user", principal == null ? "" : principal.userId(),
                "roles", principal == null ? List.of() : principal.roles().stream().sorted().toList(),
                "client", clients.of(ctx), "internal", InternalCalls.isInternal(ctx),
                "allowStale", InternalCalls.allowsStale(ctx)));
    }

    @Test
    void shouldActForTheNamedCallerWhenAnInstanceSignedTheCall() throws Exception {
        // Given: a call signed for alice, who asked from 203.0.113.9 and allows a standby to answer
        final HttpRequest request = calls.request("GET", internal("/api/v1/echo?limit=5&cursor=a%2Cb"), new byte[0],
                ALICE.allowingStale()).build();

        // When
        final HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());

        // Then: the route runs as alice, from her address, knowing another instance asked
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        final JsonNode body = JSON.readTree(answer.body());
        assertThat(body.get("user").asText()).isEqualTo("alice");
        assertThat(body.get("roles")).containsExactly(JSON.valueToTree("admin"), JSON.valueToTree("service"));
        assertThat(body.get("client").asText()).isEqualTo("203.0.113.9");
        assertThat(body.get("internal").asBoolean()).isTrue();
        assertThat(body.get("allowStale").asBoolean()).isTrue();
    }

    @Test
    void shouldServeTheOpenCatchAllUnderTheInternalPathWithoutAPrincipal() throws Exception {
        final InternalCalls.Caller anonymous = new InternalCalls.Caller(null, "198.51.100.4", false);

        final HttpResponse<String> answer = http.send(calls.request("GET", internal("/launch"), new byte[0], anonymous)
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).get("user").asText()).isEmpty();
        assertThat(JSON.readTree(answer.body()).get("client").asText()).isEqualTo("198.51.100.4");
    }

    @Test
    void shouldRefuseAnUnsignedCallEvenWithABearerToken() throws Exception {
        final String token = new JwtAuth(SECRET, Clock.systemUTC()).issue("alice", Set.of("admin"),
                Duration.ofMinutes(5));

        final HttpResponse<String> answer = http.send(HttpRequest.newBuilder(internal("/api/v1/echo"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void shouldRefuseACallWhosePathQueryOrCallerWasAltered() throws Exception {
        // Given: one genuine signed call, then copies with one signed part changed
        final HttpRequest signed = calls.request("GET", internal("/api/v1/echo?limit=5"), new byte[0], ALICE).build();
        final Map<String, String> headers = headersOf(signed);

        // When / Then: another query, another path, another user, more roles, another client address
        assertThat(replay(internal("/api/v1/echo?limit=100"), headers, Map.of())).isEqualTo(401);
        assertThat(replay(internal("/launch?limit=5"), headers, Map.of())).isEqualTo(401);
        assertThat(replay(internal("/api/v1/echo?limit=5"), headers, Map.of(InternalCalls.USER_HEADER, "bob")))
                .isEqualTo(401);
        assertThat(replay(internal("/api/v1/echo?limit=5"), headers, Map.of(InternalCalls.ROLES_HEADER, "admin")))
                .isEqualTo(401);
        assertThat(replay(internal("/api/v1/echo?limit=5"), headers,
                Map.of(InternalCalls.CLIENT_HEADER, "192.0.2.1"))).isEqualTo(401);
        // and the genuine call, never sent until now, still passes
        assertThat(replay(internal("/api/v1/echo?limit=5"), headers, Map.of())).isEqualTo(200);
    }

    @Test
    void shouldRefuseTheSameCallTwice() throws Exception {
        final HttpRequest signed = calls.request("GET", internal("/api/v1/echo"), new byte[0], ALICE).build();

        final int first = http.send(signed, HttpResponse.BodyHandlers.ofString()).statusCode();
        final int again = http.send(signed, HttpResponse.BodyHandlers.ofString()).statusCode();

        assertThat(first).isEqualTo(200);
        assertThat(again).isEqualTo(401);
    }

    @Test
    void shouldRefuseACallSignedWithAnotherSecretOrTooLongAgo() throws Exception {
        final InternalCalls foreign = new InternalCalls("another-secret-of-at-least-thirty-two-chars",
                Clock.systemUTC(), Duration.ofSeconds(10));
        final InternalCalls late = new InternalCalls(SECRET,
                Clock.fixed(Instant.now().minusSeconds(30), ZoneOffset.UTC), Duration.ofSeconds(10));

        final int fromForeign = http.send(foreign.request("GET", internal("/api/v1/echo"), new byte[0], ALICE)
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        final int fromLate = http.send(late.request("GET", internal("/api/v1/echo"), new byte[0], ALICE).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();

        assertThat(fromForeign).isEqualTo(401);
        assertThat(fromLate).isEqualTo(401);
    }

    @Test
    void shouldIgnoreForwardingHeadersThatAClientSendsToAPublicRoute() throws Exception {
        // Given: a client that copies a genuine internal call's headers, and the old forwarding headers, to a
        // public route
        final Map<String, String> headers = headersOf(
                calls.request("GET", internal("/launch"), new byte[0], ALICE.allowingStale()).build());

        // When
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + "/launch"))
                .header("Eventline-Forwarded", "true").header("Eventline-Allow-Stale", "true");
        headers.forEach(request::header);
        final HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());

        // Then: the route sees a client, from the socket's address, with no principal
        final JsonNode body = JSON.readTree(answer.body());
        assertThat(body.get("internal").asBoolean()).isFalse();
        assertThat(body.get("allowStale").asBoolean()).isFalse();
        assertThat(body.get("user").asText()).isEmpty();
        assertThat(body.get("client").asText()).isEqualTo("127.0.0.1");
    }

    private int replay(URI uri, Map<String, String> headers, Map<String, String> changed) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        headers.forEach((name, value) -> request.header(name, changed.getOrDefault(name, value)));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static Map<String, String> headersOf(HttpRequest request) {
        final Map<String, String> headers = new java.util.HashMap<>();
        request.headers().map().forEach((name, values) -> headers.put(name, values.get(0)));
        return headers;
    }

    private URI internal(String pathAndQuery) {
        return URI.create(base() + InternalCalls.PREFIX + pathAndQuery);
    }

    private String base() {
        return "http://127.0.0.1:" + app.port();
    }
}
