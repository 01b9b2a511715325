package io.eventline;

import io.eventline.auth.JwtAuth;
import io.eventline.auth.JwtSecrets;
import io.eventline.auth.Principal;
import io.eventline.ids.WorkerIdConflictException;
import io.eventline.ops.DlqCommand;
import io.eventline.platform.EventlineConfig;
import io.eventline.platform.Platform;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code eventline} command: {@code run} the platform, mint a {@code token}, or replay dead letters. */
@Command(name = "eventline", mixinStandardHelpOptions = true, version = "eventline 0.1.0",
        description = "Event-streaming backend on Kafka Streams.",
        subcommands = {Main.Run.class, Main.Token.class, DlqCommand.class})
public final class Main {

    private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    public static void main(String[] args) {
        // With fewer than two workers in the common pool (two cores), every asynchronous step of CompletableFuture,
        // and so every response of the JDK's HTTP client, runs on a thread started for it alone
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null && Runtime.getRuntime().availableProcessors() <= 2) {
            System.setProperty(COMMON_POOL_PARALLELISM, "2");
        }
        System.exit(new CommandLine(new Main()).setExecutionExceptionHandler(Main::explain).execute(args));
    }

    /** Settings and clashes the operator can fix are reported as one line, not a stack trace. */
    private static int explain(Exception error, CommandLine command, CommandLine.ParseResult parsed)
            throws Exception {
        if (error instanceof EventlineConfig.ConfigException || error instanceof WorkerIdConflictException) {
            command.getErr().println("eventline: " + error.getMessage());
            return 2;
        }
        throw error;
    }

    /** Starts every part of the platform and serves until SIGTERM or Ctrl-C. */
    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Start the platform (embedded Kafka and schema registry unless configured).")
    static final class Run implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            final EventlineConfig config = EventlineConfig.fromEnvironment();
            final Platform platform = new Platform(config, Clock.systemUTC());
            final CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                platform.close();
                stopped.countDown();
            }, "eventline-shutdown"));
            platform.start();
            if (!platform.awaitReady(Duration.ofMinutes(5))) {
                System.err.println("Eventline did not become ready within 5 minutes");
                return 1;
            }
            System.out.println("Eventline ready: http://localhost:" + platform.httpPort());
            System.out.flush();
            stopped.await();
            return 0;
        }
    }

    /** Prints a signed bearer token for a user, and nothing else. */
    @Command(name = "token", mixinStandardHelpOptions = true, description = "Print a bearer token for USER.")
    static final class Token implements Callable<Integer> {
        private static final Pattern TTL = Pattern.compile("(\\d+)([smhd])");
        private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

        @Parameters(index = "0", paramLabel = "USER", description = "the user ID (the token's subject)")
        String user;

        @Option(names = "--admin", description = "grant the admin role")
        boolean admin;

        @Option(names = "--service", description = "grant the service role")
        boolean service;

        @Option(names = "--domain", paramLabel = "DOMAIN",
                description = "with --service: a rate-limit domain the service may check (repeatable); without any,"
                        + " every domain but Eventline's own (EVENTLINE_RATELIMIT_DOMAIN)")
        List<String> domains = new ArrayList<>();

        @Option(names = "--ttl", defaultValue = "24h",
                description = "lifetime, e.g. 90s, 30m, 24h, 7d (default 24h, at most 30d)")
        String ttl;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            final Duration lifetime = parseTtl(ttl);
            final EventlineConfig config = EventlineConfig.fromEnvironment();
            final Set<String> roles = admin && service ? Set.of(Principal.ADMIN, Principal.SERVICE)
                    : admin ? Set.of(Principal.ADMIN) : service ? Set.of(Principal.SERVICE) : Set.of();
            final JwtAuth auth = new JwtAuth(JwtSecrets.resolve(config), Clock.systemUTC());
            spec.commandLine().getOut().println(auth.issue(user, roles, checkedDomains(), lifetime));
            spec.commandLine().getOut().flush();
            return 0;
        }

        private Optional<Set<String>> checkedDomains() {
            if (domains.isEmpty()) {
                return Optional.empty();
            }
            if (!service) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--domain needs --service");
            }
            for (String domain : domains) {
                if (!DOMAIN.matcher(domain).matches()) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--domain must be 1-64 of [A-Za-z0-9._-], got '" + domain + "'");
                }
            }
            return Optional.of(Set.copyOf(domains));
        }

        private Duration parseTtl(String text) {
            final Matcher m = TTL.matcher(text.trim());
            if (!m.matches()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--ttl must look like 90s, 30m, 24h or 7d, got '" + text + "'");
            }
            final Duration lifetime;
            try {
                final long amount = Long.parseLong(m.group(1));
                lifetime = switch (m.group(2)) {
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            } catch (NumberFormatException | ArithmeticException e) {
                throw tooLong(text);
            }
            if (lifetime.compareTo(JwtAuth.MAX_TTL) > 0) {
                throw tooLong(text);
            }
            if (lifetime.isZero()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--ttl must be longer than 0");
            }
            return lifetime;
        }

        private CommandLine.ParameterException tooLong(String text) {
            return new CommandLine.ParameterException(spec.commandLine(), "--ttl is at most "
                    + JwtAuth.MAX_TTL.toDays() + "d: a token cannot be revoked, so it must expire; got '" + text
                    + "'");
        }
    }
}
