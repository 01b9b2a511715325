package io.eventline.crawler;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * The crawler's settings as an instance reads them from its environment.
 *
 * @param parts          the parts' limits, with the allow list, user agent and Crawl-delay cap
 * @param hostMappings   {@code host=address} pairs answered instead of DNS (tests, the benchmark's site), or empty
 * @param shareByAddress whether hosts that resolve to one address share one politeness key
 * @param workers        fetch threads per instance: the most requests in flight, and refetched after a crash
 * @param frontier       queue caps and timings
 */
public record CrawlerConfig(CrawlerSettings parts, String hostMappings, boolean shareByAddress, int workers,
                            FrontierSettings frontier) {
    public CrawlerConfig {
        // both are checked now, so a wrong setting stops the instance at start
        AddressRange.parseList(parts.allow());
        HostResolver.parseMappings(hostMappings);
    }

    /** The resolver of these settings: the mappings first, then the JVM's. */
    public HostResolver resolver() {
        final Map<String, List<InetAddress>> names = HostResolver.parseMappings(hostMappings);
        return names.isEmpty() ? HostResolver.system() : HostResolver.mapped(names, HostResolver.system());
    }
}
