package io.eventline.producers.load;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code POST /api/v1/ratelimit/check}, one hit on one counter each time, the counters in turn. With
 * {@code --in-partition} only counters on those partitions are used: aimed at the partitions one instance owns,
 * every check is decided where it lands; sent to another instance, every check is forwarded to the owner.
 */
@Command(name = "http-check", mixinStandardHelpOptions = true,
        description = "Load POST /api/v1/ratelimit/check, one hit per check, over N counters of a domain in turn.")
final class HttpCheckCommand extends HttpLoadCommand {
    static final String PATH = "/api/v1/ratelimit/check";
    static final int MAX_COUNTERS = 1_000_000;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    @Option(names = "--token", required = true, paramLabel = "JWT",
            description = "a service or admin token, e.g. from `eventline token NAME --service`")
    String token;

    @Option(names = "--domain", defaultValue = "bench", paramLabel = "DOMAIN",
            description = "the domain checked (default ${DEFAULT-VALUE}); give it a rule first")
    String domain;

    @Option(names = "--key", defaultValue = "client", paramLabel = "KEY",
            description = "the descriptor key; the values are c-0, c-1, ... (default ${DEFAULT-VALUE})")
    String key;

    @Option(names = "--counters", defaultValue = "10000", paramLabel = "N",
            description = "how many counters the checks go round (default ${DEFAULT-VALUE})")
    int counters;

    @Option(names = "--in-partition", split = ",", paramLabel = "P",
            description = "only counters on these partitions of ratelimit.checks.v1 (repeat it or separate "
                    + "with commas); all counters when not given")
    Set<Integer> inPartitions = new TreeSet<>();

    @Option(names = "--partition-count", defaultValue = "6", paramLabel = "N",
            description = "partitions of ratelimit.checks.v1, the instance's EVENTLINE_TOPIC_PARTITIONS "
                    + "(default ${DEFAULT-VALUE})")
    int partitionCount;

    private List<String> values;

    @Override
    String describeRequests() {
        return "POST " + PATH + " over " + counters + " counters of " + domain + " (" + key + "=c-N)"
                + (inPartitions.isEmpty() ? "" : " on partitions " + inPartitions + " of " + partitionCount);
    }

    @Override
    void validate() {
        if (!NAME.matcher(domain).matches() || !NAME.matcher(key).matches()) {
            throw new IllegalArgumentException("--domain and --key must be 1 to 64 of A-Z a-z 0-9 . _ : -");
        }
        if (counters < 1 || counters > MAX_COUNTERS) {
            throw new IllegalArgumentException("--counters must be 1 to " + MAX_COUNTERS);
        }
        if (partitionCount < 1 || partitionCount > 10_000) {
            throw new IllegalArgumentException("--partition-count must be 1 to 10000");
        }
        for (int partition : inPartitions) {
            if (partition < 0 || partition >= partitionCount) {
                throw new IllegalArgumentException("--in-partition must be 0 to " + (partitionCount - 1)
                        + ", got " + partition);
            }
        }
        values = CheckCounters.values(domain, key, counters, inPartitions, partitionCount);
    }

    @Override
    HttpRequest request(URI base, long index, HttpRequest.Builder builder) {
        return builder.uri(URI.create(base + PATH))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(domain, key, valueFor(values, index))))
                .build();
    }

    /** The counter request {@code index} checks: the counters in turn. */
    static String valueFor(List<String> values, long index) {
        return values.get((int) (index % values.size()));
    }

    /** A check of one hit on counter {@code key}={@code value}; the names are plain (see {@link #validate()}). */
    static String body(String domain, String key, String value) {
        return "{\"domain\":\"" + domain + "\",\"descriptors\":[[{\"key\":\"" + key + "\",\"value\":\"" + value
                + "\"}]]}";
    }
}
