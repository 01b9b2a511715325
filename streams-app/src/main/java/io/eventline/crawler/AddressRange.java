package io.eventline.crawler;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A block of IPv4 or IPv6 addresses written as a CIDR ({@code 10.0.0.0/8}, {@code fc00::/7}) or one address
 * ({@code 10.1.2.3}, {@code ::1}). IPv4 ranges match IPv4 addresses only, IPv6 ranges IPv6 addresses only.
 *
 * @param network   the range's first address's bytes (4 or 16)
 * @param prefixBits how many leading bits an address shares with {@code network} to be in the range
 */
public record AddressRange(byte[] network, int prefixBits) {
    /** An IPv4 address in its one canonical spelling: four decimal numbers of 0 to 255 without leading zeros. */
    static final Pattern DOTTED_QUAD = Pattern.compile("(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}"
            + "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])");

    /** The range {@code text} names; throws with the reason when it is not an address or CIDR. */
    public static AddressRange parse(String text) {
        final String trimmed = text.strip();
        final int slash = trimmed.indexOf('/');
        final InetAddress address = literal(slash < 0 ? trimmed : trimmed.substring(0, slash));
        final int maxBits = address.getAddress().length * 8;
        final int bits;
        try {
            bits = slash < 0 ? maxBits : Integer.parseInt(trimmed.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid prefix length in '" + trimmed + "'");
        }
        if (bits < 0 || bits > maxBits) {
            throw new IllegalArgumentException("prefix length of '" + trimmed + "' must be 0 to " + maxBits);
        }
        return new AddressRange(address.getAddress(), bits);
    }

    /** The ranges of a comma-separated list; empty for a blank list. */
    public static List<AddressRange> parseList(String text) {
        final List<AddressRange> ranges = new ArrayList<>();
        if (text != null) {
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    ranges.add(parse(part));
                }
            }
        }
        return List.copyOf(ranges);
    }

    /** The address {@code text} spells, read as a literal; throws when it is a name, never looking it up. */
    static InetAddress literal(String text) {
        final String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (!bare.contains(":") && !DOTTED_QUAD.matcher(bare).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address");
        }
        try {
            // in brackets an IPv6 text is parsed or refused, never sent to the resolver as a name
            return InetAddress.getByName(bare.contains(":") ? "[" + bare + "]" : bare);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address", e);
        }
    }

    public AddressRange {
        network = network.clone();
    }

    @Override
    public byte[] network() {
        return network.clone();
    }

    /** Whether {@code address} is in this range. */
    public boolean contains(InetAddress address) {
        final byte[] bytes = address.getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        final int whole = prefixBits / 8;
        for (int i = 0; i < whole; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        final int rest = prefixBits % 8;
        if (rest == 0) {
            return true;
        }
        final int mask = 0xFF << (8 - rest) & 0xFF;
        return (bytes[whole] & mask) == (network[whole] & mask);
    }

    /** True when this range is one address. */
    public boolean single() {
        return prefixBits == network.length * 8;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AddressRange range && range.prefixBits == prefixBits
                && Arrays.equals(range.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixBits;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixBits;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
