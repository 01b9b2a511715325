package io.eventline.crawler;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The politeness key of a host: the host itself, or, when hosts on one address share one budget (the default),
 * the address it resolves to, checked by the address guard. A host that does not resolve, or resolves to an
 * address the guard refuses, keys by its name: its fetch fails and is counted under the guard's reason. Answers
 * are kept for a bounded number of hosts; thread-safe.
 */
public final class PolitenessKeys {
    private static final int MAX_CACHED = 10_000;

    private final AddressGuard guard;
    private final boolean byAddress;
    private final Map<String, String> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_CACHED;
        }
    };

    /** @param byAddress whether hosts that resolve to one address share one politeness key */
    public PolitenessKeys(AddressGuard guard, boolean byAddress) {
        this.guard = guard;
        this.byAddress = byAddress;
    }

    /** The politeness key of {@code host}; may resolve it. */
    public String of(String host) {
        final String name = host.toLowerCase(Locale.ROOT);
        if (!byAddress) {
            return name;
        }
        synchronized (cache) {
            final String known = cache.get(name);
            if (known != null) {
                return known;
            }
        }
        final Checked<InetAddress> address = guard.check(name);
        final String key = address.passed() ? address.value().getHostAddress() : name;
        synchronized (cache) {
            cache.put(name, key);
        }
        return key;
    }
}
