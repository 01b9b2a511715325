package io.eventline.ratelimit;

import io.eventline.auth.InternalCalls;
import io.javalin.http.Context;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The address a request came from. {@code X-Forwarded-For} is believed only when the peer is one of the
 * configured proxies, and then read from the right, skipping further trusted proxies: the entries left of the
 * first untrusted one could have been written by the client itself. A request another instance made for a client
 * ({@link InternalCalls}) came from the client that instance names.
 */
public final class ClientAddress {
    private final List<Block> trusted;

    /** @param trustedProxies addresses ({@code 10.0.0.7}) or CIDR blocks ({@code 10.0.0.0/8}, {@code fd00::/8}) */
    public ClientAddress(List<String> trustedProxies) {
        this.trusted = trustedProxies.stream().map(Block::parse).toList();
    }

    public String of(Context ctx) {
        final String forwardedBy = InternalCalls.clientAddress(ctx);
        if (forwardedBy != null) {
            return forwardedBy;
        }
        return resolve(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For"));
    }

    /** The client of a request from {@code peer} that carried {@code forwardedFor} (may be null). */
    String resolve(String peer, String forwardedFor) {
        if (forwardedFor == null || !isTrusted(peer)) {
            return peer;
        }
        final String[] hops = forwardedFor.split(",");
        String client = peer;
        for (int i = hops.length - 1; i >= 0; i--) {
            final String hop = hops[i].trim();
            if (hop.isEmpty() || parse(hop) == null) {
                return client;
            }
            client = hop;
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        return client;
    }

    private boolean isTrusted(String address) {
        final InetAddress parsed = parse(address);
        return parsed != null && trusted.stream().anyMatch(block -> block.contains(parsed));
    }

    /** Parses a literal address only; never resolves a name. */
    private static InetAddress parse(String literal) {
        final String bare = literal.startsWith("[") && literal.endsWith("]")
                ? literal.substring(1, literal.length() - 1) : literal;
        // the JDK asks the resolver about anything it cannot read as a literal: octets over 255, a leading '.'
        final boolean ipv4 = bare.matches("(25[0-5]|2[0-4]\\d|[01]?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|[01]?\\d?\\d)){3}");
        final boolean ipv6 = bare.contains(":") && bare.matches("[0-9A-Fa-f:][0-9A-Fa-f:.]*");
        if (!ipv4 && !ipv6) {
            return null;
        }
        try {
            return InetAddress.getByName(bare);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private record Block(byte[] network, int prefixBits) {
        static Block parse(String spec) {
            final int slash = spec.indexOf('/');
            final InetAddress address = ClientAddress.parse(slash < 0 ? spec : spec.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("not an address or CIDR block: '" + spec + "'");
            }
            final int maxBits = address.getAddress().length * 8;
            final String prefix = slash < 0 ? Integer.toString(maxBits) : spec.substring(slash + 1);
            if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > maxBits) {
                throw new IllegalArgumentException("prefix length must be 0-" + maxBits + " in '" + spec + "'");
            }
            final int bits = Integer.parseInt(prefix);
            return new Block(address.getAddress(), bits);
        }

        boolean contains(InetAddress address) {
            final byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            final int shift = bytes.length * 8 - prefixBits;
            return new BigInteger(1, bytes).shiftRight(shift).equals(new BigInteger(1, network).shiftRight(shift));
        }
    }
}
