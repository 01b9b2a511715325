package io.eventline.producers.crawler;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The HTML of every page of a {@link SiteLayout}, made on request from a pool of generated paragraphs built once:
 * a page is a small head of its own (title, heading, links) and a run of the pool's paragraphs that starts where a
 * hash of the page says, about {@code pageBytes} in all. Only the head is written per request, so serving is a
 * copy of bytes; the title and link texts make each page's visible text its own.
 */
public final class SitePages {
    private static final String[] WORDS = ("river stone lantern harbor meadow copper signal orchard winter cedar "
            + "engine market ladder garden silver thunder canvas beacon marble willow quarry summit compass ember "
            + "falcon glacier hollow island jasmine kettle lumber mosaic nectar olive pepper quartz ribbon saddle "
            + "timber umbrella velvet walnut yonder zephyr anchor bramble cobalt dune echo fable granite hazel ivory "
            + "juniper kiln lagoon maple nomad oak parcel quiver raven sable tundra valley wander yarrow basin "
            + "cliff delta fjord grove heath inlet knoll ledge marsh plateau ridge spring tide vale brook canyon "
            + "prairie reef shoal crater mesa atoll bluff cove estuary gorge").split(" ");
    private static final byte[] FOOTER = "\n</main>\n</body>\n</html>\n".getBytes(StandardCharsets.US_ASCII);

    private final SiteLayout layout;
    private final int pageBytes;
    private final byte[] pool;
    /** Where each paragraph starts in the pool; the pool holds the paragraphs twice, so any run is one slice. */
    private final int[] starts;
    private final int paragraphs;

    public SitePages(SiteLayout layout, int pageBytes) {
        if (pageBytes < 256 || pageBytes > 4 * 1024 * 1024) {
            throw new IllegalArgumentException("page bytes 256..4194304");
        }
        this.layout = layout;
        this.pageBytes = pageBytes;
        final SplittableRandom random = new SplittableRandom(0x5173L);
        final ByteArrayOutputStream text = new ByteArrayOutputStream();
        int[] ends = new int[1024];
        int count = 0;
        while (text.size() < Math.max(1 << 20, 2 * pageBytes)) {
            final byte[] paragraph = paragraph(random).getBytes(StandardCharsets.US_ASCII);
            text.writeBytes(paragraph);
            if (count == ends.length) {
                ends = Arrays.copyOf(ends, count * 2);
            }
            ends[count++] = text.size();
        }
        final byte[] once = text.toByteArray();
        this.paragraphs = count;
        this.pool = Arrays.copyOf(once, once.length * 2);
        System.arraycopy(once, 0, pool, once.length, once.length);
        this.starts = new int[2 * count + 1];
        for (int i = 0; i < count; i++) {
            starts[i + 1] = ends[i];
            starts[count + i + 1] = once.length + ends[i];
        }
    }

    /** The page's HTML, about {@code pageBytes} long. */
    public byte[] render(int host, int index) {
        final byte[] head = head(host, index);
        final int first = (int) Long.remainderUnsigned(SiteLayout.mix(host, index, -1), paragraphs);
        final int wanted = Math.max(0, pageBytes - head.length - FOOTER.length);
        int last = Arrays.binarySearch(starts, first, 2 * paragraphs + 1, starts[first] + wanted);
        last = last >= 0 ? last : Math.min(-last - 1, first + paragraphs);
        final int from = starts[first];
        final int length = starts[last] - from;
        final byte[] page = new byte[head.length + length + FOOTER.length];
        System.arraycopy(head, 0, page, 0, head.length);
        System.arraycopy(pool, from, page, head.length, length);
        System.arraycopy(FOOTER, 0, page, head.length + length, FOOTER.length);
        return page;
    }

    private byte[] head(int host, int index) {
        final String name = layout.hostName(host);
        final String topic = word(host, index, 0) + " " + word(host, index, 1) + " " + word(host, index, 2);
        final StringBuilder html = new StringBuilder(1_024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Page ")
                .append(index).append(" of ").append(name).append(": ").append(topic).append("</title>\n</head>\n")
                .append("<body>\n<h1>").append(topic).append(" (").append(name).append(" page ").append(index)
                .append(")</h1>\n<nav>\n<ul>\n");
        int slot = 0;
        for (SiteLayout.Link link : layout.links(host, index)) {
            final String href = link.host() == host ? SiteLayout.path(link.index())
                    : layout.origin(link.host()) + SiteLayout.path(link.index());
            html.append("<li><a href=\"").append(href).append("\">").append(word(host, index, 10 + slot))
                    .append(' ').append(word(link.host(), link.index(), 0)).append(" on ")
                    .append(layout.hostName(link.host())).append(" page ").append(link.index()).append("</a></li>\n");
            slot++;
        }
        html.append("</ul>\n</nav>\n<main>\n");
        return html.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static String word(int host, int index, int slot) {
        return WORDS[(int) Long.remainderUnsigned(SiteLayout.mix(host, index, 1_000 + slot), WORDS.length)];
    }

    private static String paragraph(SplittableRandom random) {
        final StringBuilder text = new StringBuilder(512).append("<p>");
        final int sentences = 3 + random.nextInt(5);
        for (int s = 0; s < sentences; s++) {
            final int words = 6 + random.nextInt(10);
            for (int w = 0; w < words; w++) {
                final String word = WORDS[random.nextInt(WORDS.length)];
                if (w == 0) {
                    text.append(Character.toUpperCase(word.charAt(0))).append(word, 1, word.length());
                } else {
                    text.append(' ').append(word);
                }
            }
            text.append(s == sentences - 1 ? "." : ". ");
        }
        return text.append("</p>\n").toString();
    }
}
