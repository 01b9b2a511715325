package io.eventline.producers.crawler;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code crawl-site}: serves the generated site a crawler benchmark crawls, one listener a host on the loopback
 * addresses from {@code --first-address}, and counts what each host sees. Runs until stopped (SIGTERM, Ctrl-C),
 * then prints the report and writes it to {@code --stats-file}.
 */
@Command(name = "crawl-site", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve a generated site for a crawler benchmark: host i is h<i>.site.test on the i-th "
                + "address from --first-address, pages / and /p/<n>, robots.txt allowing all, GET /_stats for the "
                + "counts so far. Stop it with SIGTERM for the report.",
                "Linux answers every address of 127.0.0.0/8 on the loopback interface; the crawler resolves the "
                        + "names with --hosts-file's file (java -Djdk.net.hosts.file=FILE) or its own mapping."})
public final class CrawlSiteCommand implements Callable<Integer> {
    @Option(names = "--hosts", defaultValue = "50", paramLabel = "N", description = "hosts (default ${DEFAULT-VALUE})")
    int hosts;

    @Option(names = "--pages", defaultValue = "100000", paramLabel = "N",
            description = "pages over all hosts, spread evenly (default ${DEFAULT-VALUE})")
    int pages;

    @Option(names = "--page-bytes", defaultValue = "10240", paramLabel = "BYTES",
            description = "about how long each page's HTML is (default ${DEFAULT-VALUE})")
    int pageBytes;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT",
            description = "the port of every host (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--first-address", defaultValue = "127.0.1.1", paramLabel = "IPV4",
            description = "host 1's address; host i listens on the (i-1)-th after it (default ${DEFAULT-VALUE})")
    String firstAddress;

    @Option(names = "--links", defaultValue = "10", paramLabel = "N",
            description = "links on each page (default ${DEFAULT-VALUE})")
    int links;

    @Option(names = "--cross-host-links", defaultValue = "2", paramLabel = "N",
            description = "of those, links to other hosts' pages (default ${DEFAULT-VALUE})")
    int crossHostLinks;

    @Option(names = "--expected-gap-ms", defaultValue = "0", paramLabel = "MS",
            description = "count the gaps between a host's requests shorter than this politeness delay "
                    + "(default ${DEFAULT-VALUE}: none)")
    long expectedGapMs;

    @Option(names = "--stats-file", paramLabel = "FILE", description = "write the report here (JSON) when stopped")
    Path statsFile;

    @Option(names = "--hosts-file", paramLabel = "FILE",
            description = "write 'address name' lines for the hosts here, for java -Djdk.net.hosts.file=FILE")
    Path hostsFile;

    @Option(names = "--print-seeds", description = "print the seed URLs (one a host) and the site, then exit")
    boolean printSeeds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        final SiteLayout layout;
        try {
            layout = new SiteLayout(hosts, pages, links, crossHostLinks, port, firstAddress);
            if (expectedGapMs < 0 || pageBytes < 256 || pageBytes > 4 * 1024 * 1024) {
                throw new IllegalArgumentException("--expected-gap-ms >= 0, --page-bytes 256..4194304");
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        final PrintWriter out = spec.commandLine().getOut();
        if (hostsFile != null) {
            Files.write(hostsFile, layout.hostsFileLines(), StandardCharsets.US_ASCII);
        }
        if (printSeeds) {
            layout.seeds().forEach(out::println);
            out.println("# " + layout);
            out.flush();
            return 0;
        }
        final SiteServer server = SiteServer.start(layout, pageBytes, expectedGapMs);
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            report(server.stats(), out);
            stopped.countDown();
        }, "crawl-site-report"));
        out.println("crawl-site ready: " + server.layout());
        out.flush();
        stopped.await();
        return 0;
    }

    private void report(SiteStats stats, PrintWriter out) {
        final Map<String, Object> report = stats.report();
        out.print(SiteStats.text(report));
        out.flush();
        if (statsFile != null) {
            try {
                final Path temporary = statsFile.resolveSibling(statsFile.getFileName() + ".tmp");
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(temporary.toFile(), report);
                Files.move(temporary, statsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                spec.commandLine().getErr().println("cannot write " + statsFile + ": " + e.getMessage());
            }
        }
    }
}
