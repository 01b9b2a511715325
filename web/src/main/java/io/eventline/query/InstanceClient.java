package io.eventline.query;

import io.eventline.auth.InternalCalls;
import io.eventline.auth.JwtAuth;
import io.javalin.http.Context;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks other instances (or this one) over their internal routes, on behalf of the caller of a request: the
 * request is signed, names the caller and the caller's client address, and never carries the caller's token.
 */
public final class InstanceClient {
    private final HttpClient http;
    private final InternalCalls calls;
    private final Function<Context, String> clientAddress;
    private final Duration timeout;
    private final UnreachableInstances unreachable = new UnreachableInstances();

    /** @param clientAddress where a request came from, as the rate limiter counts it */
    public InstanceClient(HttpClient http, InternalCalls calls, Function<Context, String> clientAddress,
                          Duration timeout) {
        this.http = http;
        this.calls = calls;
        this.clientAddress = clientAddress;
        this.timeout = timeout;
    }

    /** The caller of {@code ctx}: its principal if it has one, and its client address. */
    public InternalCalls.Caller callerOf(Context ctx) {
        return new InternalCalls.Caller(JwtAuth.optionalPrincipal(ctx).orElse(null), clientAddress.apply(ctx), false);
    }

    /**
     * A signed GET of {@code publicPathAndQuery}'s internal twin at {@code host}, for {@code caller}, accepting
     * what {@code accept} names (null for anything).
     */
    public HttpRequest get(HostInfo host, String publicPathAndQuery, InternalCalls.Caller caller, String accept) {
        return get(host, publicPathAndQuery, caller, accept, Map.of());
    }

    /** As {@link #get(HostInfo, String, InternalCalls.Caller, String)}, sending {@code headers} too. */
    public HttpRequest get(HostInfo host, String publicPathAndQuery, InternalCalls.Caller caller, String accept,
                           Map<String, String> headers) {
        final URI uri = URI.create("http://" + host.host() + ":" + host.port() + InternalCalls.PREFIX
                + publicPathAndQuery);
        final HttpRequest.Builder request = calls.request("GET", uri, new byte[0], caller).timeout(timeout);
        if (accept != null) {
            request.header("Accept", accept);
        }
        headers.forEach(request::header);
        return request.build();
    }

    public HttpClient http() {
        return http;
    }

    /** The instances that refused a connection lately, as every caller of another instance learns them. */
    public UnreachableInstances unreachable() {
        return unreachable;
    }
}
