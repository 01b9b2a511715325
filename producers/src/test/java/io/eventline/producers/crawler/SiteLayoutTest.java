package io.eventline.producers.crawler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Deque;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SiteLayoutTest {

    @Test
    void shouldReachEveryPageOfTheBenchmarkSiteFromTheSeedsWithinTheCrawlersDepthCap() {
        // Given the benchmark's site: 100,000 pages on 50 hosts, 10 links a page, 2 of them to other hosts
        final SiteLayout layout = new SiteLayout(50, 100_000, 10, 2, 8080, "127.0.1.1");

        // When every link is followed breadth-first from the seeds
        final int[] depth = depthsFromSeeds(layout);

        // Then every page is reached, none deeper than the tree says, and that is within Eventline's cap of 20
        assertThat(IntStream.of(depth).filter(d -> d < 0).count()).isZero();
        assertThat(IntStream.of(depth).max().orElseThrow()).isLessThanOrEqualTo(layout.deepest());
        assertThat(layout.deepest()).isEqualTo(4);
        assertThat(IntStream.rangeClosed(1, 50).map(layout::pagesOn).sum()).isEqualTo(100_000);
        assertThat(layout.pagesOn(1)).isEqualTo(2_000);
    }

    @Test
    void shouldNameHostsAndAddressesInStep() throws UnknownHostException {
        // Given a site of three hosts from 127.0.1.1
        final SiteLayout layout = new SiteLayout(3, 30, 4, 1, 18_590, "127.0.1.1");

        // Then host i is h<i>.site.test on 127.0.1.i, with one seed a host and a hosts-file line a host
        assertThat(layout.seeds()).containsExactly("http://h1.site.test:18590/", "http://h2.site.test:18590/",
                "http://h3.site.test:18590/");
        assertThat(layout.hostsFileLines()).containsExactly("127.0.1.1 h1.site.test", "127.0.1.2 h2.site.test",
                "127.0.1.3 h3.site.test");
        assertThat(layout.indexOf(2, "/")).isZero();
        assertThat(layout.indexOf(2, "/p/9")).isEqualTo(9);
        assertThat(layout.indexOf(2, "/p/10")).isEqualTo(-1);
        assertThat(layout.indexOf(2, "/p/07")).isEqualTo(-1);
        assertThat(layout.indexOf(2, "/p/")).isEqualTo(-1);
        assertThat(layout.indexOf(2, "/robots.txt")).isEqualTo(-1);
        assertThat(layout.hostAt(layout.address(3))).isEqualTo(3);
        assertThat(layout.hostAt(InetAddress.getByName("127.0.1.4"))).isZero();
        assertThat(layout.hostAt(InetAddress.getByName("127.0.0.1"))).isZero();
    }

    @Test
    void shouldRefuseAddressesBeyondTheFirstAddresssBlock() {
        assertThatThrownBy(() -> new SiteLayout(50, 100, 10, 2, 80, "127.0.1.250"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SiteLayout(2, 100, 2, 2, 80, "127.0.1.1"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldLinkOtherHostsOnlyFromTheCrossHostSlots() {
        // Given a site whose pages have 4 links, 1 of them to another host
        final SiteLayout layout = new SiteLayout(5, 500, 4, 1, 80, "127.0.1.1");

        // Then the first three links of each page stay on its host and the last never does
        for (int host = 1; host <= 5; host++) {
            for (int index = 0; index < layout.pagesOn(host); index++) {
                final var links = layout.links(host, index);
                assertThat(links).hasSize(4);
                final int from = host;
                assertThat(links.subList(0, 3)).allMatch(link -> link.host() == from);
                assertThat(links.get(3).host()).isNotEqualTo(host);
                assertThat(links).allMatch(link -> link.index() < layout.pagesOn(link.host()));
            }
        }
    }

    /** Links followed from every host's {@code /}: each page's fewest links from a seed, -1 if never reached. */
    static int[] depthsFromSeeds(SiteLayout layout) {
        final int perHost = layout.pagesOn(1);
        final int[] depth = new int[layout.hosts() * perHost];
        Arrays.fill(depth, -1);
        final BitSet exists = new BitSet();
        final Deque<int[]> queue = new ArrayDeque<>();
        for (int host = 1; host <= layout.hosts(); host++) {
            exists.set((host - 1) * perHost, (host - 1) * perHost + layout.pagesOn(host));
            depth[(host - 1) * perHost] = 0;
            queue.add(new int[] {host, 0});
        }
        while (!queue.isEmpty()) {
            final int[] page = queue.poll();
            final int at = depth[(page[0] - 1) * perHost + page[1]];
            for (SiteLayout.Link link : layout.links(page[0], page[1])) {
                final int slot = (link.host() - 1) * perHost + link.index();
                if (depth[slot] < 0) {
                    depth[slot] = at + 1;
                    queue.add(new int[] {link.host(), link.index()});
                }
            }
        }
        return IntStream.range(0, depth.length).filter(exists::get).map(i -> depth[i]).toArray();
    }
}
