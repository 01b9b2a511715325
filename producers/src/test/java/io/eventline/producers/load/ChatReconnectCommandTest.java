package io.eventline.producers.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ws-reconnect} against {@link FakeChatServer}, whose sockets a test drops as a killed instance would. */
class ChatReconnectCommandTest {
    private static final String SECRET = "a-test-secret-of-at-least-32-characters";

    private FakeChatServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = new FakeChatServer(SECRET);
    }

    @AfterEach
    void stopServer() throws IOException {
        server.close();
    }

    private record Run(int exitCode, String out, String err) {
    }

    private Run reconnect(String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new LoadGenerator());
        ((ChatReconnectCommand) cli.getSubcommands().get("ws-reconnect").getCommand()).environment =
                name -> JwtTokens.SECRET_VARIABLE.equals(name) ? SECRET : null;
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        final String[] all = new String[args.length + 3];
        all[0] = "ws-reconnect";
        all[1] = "--url";
        all[2] = server.url();
        System.arraycopy(args, 0, all, 3, args.length);
        final int code = cli.execute(all);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    @Disabled("about one run in four, one of the four dropped sockets never sees its drop and stops receiving: "
            + "whether the fake server's abort or ws-reconnect misses it is not known yet")
    void shouldReconnectEverySocketAfterTheServerDropsThemAndLoseNoAcknowledgedMessage() throws Exception {
        // Given 4 sockets in 2 pairs sending 40/s for 5 s, every socket dropped without a close frame 0.3 s after
        // all four are open (5 s leave the drop well inside the run on a busy machine)
        final CompletableFuture<Void> drop = CompletableFuture.runAsync(() -> {
            try {
                while (server.openSockets() < 4) {
                    Thread.sleep(10);
                }
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server.dropAllSockets();
        });

        // When
        final Run run = reconnect("--clients", "4", "--rate", "40", "--duration", "5s", "--connect-rate", "100",
                "--max-backoff", "200ms", "--settle", "10s", "--user-prefix", "r");
        drop.get();

        // Then every socket closed once and came back through the endpoint, and nothing acknowledged was lost
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out())
                .contains("channels     2 direct channels created")
                .contains("sockets      4 of 4 connected at the first attempt")
                .contains("sockets      4; 4 closes, 4 reconnected (via GET /api/v1/chat/endpoint), 0 down at the end")
                .containsPattern("reconnect ms p50=\\d+ ")
                .contains("lost         0 acknowledged and never delivered")
                .contains("errors       none (error frames)")
                .contains(ReconnectingChat.TIMELINE_HEADER);
        final Matcher messages = Pattern.compile("messages     sent (\\d+), acknowledged (\\d+), delivered (\\d+) "
                + "\\(of them acknowledged (\\d+)\\), not sent while the sender was down (\\d+)").matcher(run.out());
        assertThat(messages.find()).as(run.out()).isTrue();
        assertThat(Long.parseLong(messages.group(1)) + Long.parseLong(messages.group(5))).isEqualTo(200);
        assertThat(messages.group(4)).isEqualTo(messages.group(2));
        assertThat(Long.parseLong(messages.group(2))).isPositive();
        // the first connects and the 4 reconnects each asked where to connect
        assertThat(server.endpointRequests()).isGreaterThanOrEqualTo(8);
    }

    @Test
    void shouldFailWhenAnAcknowledgedMessageNeverArrives() {
        // Given the server acknowledges but never delivers to r-1
        server.dropMessagesTo.add("r-1");

        // When
        final Run run = reconnect("--clients", "2", "--rate", "20", "--duration", "500ms", "--settle", "1s",
                "--user-prefix", "r", "--via", "url");

        // Then the messages r-0 sent are counted as lost and the run fails
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.out()).containsPattern("lost         [1-9]\\d* acknowledged and never delivered: \\[0, 2");
    }

    @Test
    void shouldFollowAChannelAcceptedBeforeItsOutcomeToItsOperation() {
        // Given the server answers each channel 202 and its operation pending twice before it names the channel
        server.operationPendingPolls = 2;

        // When
        final Run run = reconnect("--clients", "2", "--rate", "20", "--duration", "500ms", "--settle", "2s",
                "--user-prefix", "r", "--via", "url");

        // Then the channel was taken from the operation and the pair exchanged messages over it
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("channels     1 direct channels created").contains("202 then created=1")
                .contains("lost         0 acknowledged and never delivered");
    }

    @Test
    void shouldBackOffDoublingUpToTheCap() {
        assertThat(ReconnectingChat.backoff(1, Duration.ofSeconds(5))).isEqualTo(Duration.ofMillis(100));
        assertThat(ReconnectingChat.backoff(3, Duration.ofSeconds(5))).isEqualTo(Duration.ofMillis(400));
        assertThat(ReconnectingChat.backoff(10, Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
        assertThat(ReconnectingChat.backoff(200, Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void shouldAlternateSendersWithinEachPair() {
        // message i goes over pair i % 2; its sender alternates between the pair's members
        assertThat(ReconnectingChat.senderOf(0, 2)).isZero();
        assertThat(ReconnectingChat.senderOf(1, 2)).isEqualTo(2);
        assertThat(ReconnectingChat.senderOf(2, 2)).isEqualTo(1);
        assertThat(ReconnectingChat.recipientOf(2, 2)).isZero();
        assertThat(ReconnectingChat.recipientOf(3, 2)).isEqualTo(2);
    }
}
