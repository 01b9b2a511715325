package io.eventline.producers.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ws-chat} against {@link FakeChatServer}; counts only, since timings depend on the machine. */
class ChatLoadCommandTest {
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

    private static Run run(String secret, String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new LoadGenerator());
        final CommandLine chat = cli.getSubcommands().get("ws-chat");
        ((ChatLoadCommand) chat.getCommand()).environment =
                name -> JwtTokens.SECRET_VARIABLE.equals(name) ? secret : null;
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        final int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Run chat(String... args) {
        final String[] all = new String[args.length + 3];
        all[0] = "ws-chat";
        all[1] = "--url";
        all[2] = server.url();
        System.arraycopy(args, 0, all, 3, args.length);
        return run(SECRET, all);
    }

    @Test
    void shouldDeliverEveryMessageOfEveryPairAndAcknowledgeTheSeqs() {
        // When 2 direct pairs send 40/s for 500 ms after a 250 ms warm-up: 30 messages, 20 measured
        final Run run = chat("--mode", "pairs", "--clients", "4", "--rate", "40", "--duration", "500ms",
                "--warmup", "250ms", "--user-prefix", "p", "--heartbeat", "100ms", "--percentiles");

        // Then
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out())
                .contains("mode         4 sockets in 2 direct channels; both members send, in turn")
                .contains("load         open loop, 40 messages/s for 500ms after a 250ms warm-up, 64-character "
                        + "texts; heartbeat every 100ms; seq acks per message frame")
                .contains("channels     2 direct channels created")
                .contains("sockets      4 of 4 connected (hello received)")
                .contains("requests     sent 30, ended 30")
                .contains("outcome      delivered=20")
                .contains("messages     20 after the warm-up: 20 reached all 1 recipient, not by the end of the "
                        + "run 0 (0 deliveries missing), duplicate deliveries 0; answered with an error 0")
                .contains("deliveries   20 message frames at recipients")
                .containsPattern("accepted     20 acks, [0-9.,]+/s; send to ack p50=")
                .contains("errors       none")
                .contains("(intended send time to the last recipient's message frame)")
                .contains("latency distribution (ms):");
        assertThat(server.channelRequests()).containsExactlyInAnyOrder(
                "p-0 {\"type\":\"direct\",\"members\":[\"p-1\"]}", "p-2 {\"type\":\"direct\",\"members\":[\"p-3\"]}");
        // every socket heard its own messages echoed too: each user's seqs reach 30 / 2 = 15 in a channel
        assertThat(server.ackedSeqs()).containsOnlyKeys("p-0", "p-1", "p-2", "p-3").containsValues(15L);
        assertThat(server.heartbeats()).isPositive();
    }

    @Test
    void shouldCountLostAndDuplicatedDeliveries() {
        // Given p-1 never gets a message frame and p-3 gets each one twice
        server.dropMessagesTo.add("p-1");
        server.doubleMessagesTo.add("p-3");

        // When 20 messages go out, each of the 4 sockets sending 5 of them
        final Run run = chat("--clients", "4", "--rate", "40", "--duration", "500ms", "--warmup", "0s",
                "--user-prefix", "p", "--timeout", "1s");

        // Then p-0's 5 messages to p-1 are lost, and p-2's 5 to p-3 arrive twice
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out())
                .contains("requests     sent 20, ended 15, unfinished 5")
                .contains("messages     20 after the warm-up: 15 reached all 1 recipient, not by the end of the "
                        + "run 5 (5 deliveries missing), duplicate deliveries 5; answered with an error 0");
    }

    @Test
    void shouldTimeMessagesAnsweredWithAnErrorToTheirDeliveryAllTheSame() {
        // Given the server stops waiting for p-0's messages and answers 503, but delivers them later
        server.timeOutAcksOf.add("p-0");

        // When 20 messages go out, 5 of them from p-0
        final Run run = chat("--clients", "4", "--rate", "40", "--duration", "500ms", "--warmup", "0s",
                "--user-prefix", "p");

        // Then they count as answered with an error, and their latency is still that of their delivery (labelled
        // by whether the error had arrived by then, which here races with the delivery)
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out())
                .containsPattern("outcome      delivered=\\d+( delivered-after-error=\\d+)?\n")
                .contains("requests     sent 20, ended 20")
                .contains("messages     20 after the warm-up: 20 reached all 1 recipient, not by the end of the "
                        + "run 0 (0 deliveries missing), duplicate deliveries 0; answered with an error 5 (5 of them "
                        + "delivered all the same)")
                .contains("accepted     15 acks")
                .contains("errors       503 Service unavailable (the message was not confirmed in time)=5");
    }

    @Test
    void shouldFanOutIntoGroupsAndTimeEachMessageToItsLastMember() {
        final Run run = chat("--mode", "groups", "--groups", "2", "--members", "5", "--concurrency", "2",
                "--duration", "300ms", "--warmup", "0s", "--ack-interval", "100ms");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out())
                .contains("mode         2 groups of 5 members (10 sockets); members send in turn, each message to 4 "
                        + "recipients")
                .contains("load         closed loop, 2 messages on their way for 300ms after a 0s warm-up")
                .contains("channels     2 group channels created")
                .contains("sockets      10 of 10 connected")
                .contains("(send to the last recipient's message frame, closed loop)");
        final long delivered = number(run.out(), "outcome      delivered=(\\d+)");
        assertThat(delivered).isPositive();
        assertThat(number(run.out(), "deliveries   ([0-9,]+) message frames")).isEqualTo(4 * delivered);
        assertThat(run.out())
                .contains("not by the end of the run 0 (0 deliveries missing), duplicate deliveries 0; "
                        + "answered with an error 0")
                .containsPattern("; to each recipient p50=");
        assertThat(server.channelRequests()).hasSize(2).allMatch(request -> request.matches(
                "chat-[0-9a-z]+-(0|5) \\{\"type\":\"group\",\"name\":\"chat-[0-9a-z]+-group-[01]\",\"members\":"
                        + "\\[(\"chat-[0-9a-z]+-\\d\",?){4}]}"));
        // acknowledgements batched by the ticker, not one per frame
        assertThat(run.out()).containsPattern("seq acks sent 0\\b");
    }

    @Test
    void shouldHoldIdleConnectionsAndDivideTheHeapGrowthByThem() {
        final Run run = chat("--mode", "idle", "--clients", "10", "--hold", "1s", "--heartbeat", "200ms",
                "--server-pid", Long.toString(ProcessHandle.current().pid()));

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out())
                .contains("target       GET /ws (WebSocket), GET /metrics at " + server.url())
                .contains("server       before: heap used 14.3 MiB, RSS ")
                .contains("sockets      10 of 10 connected")
                .contains("held         10 of 10 connections open after 1s (0 closed since the first opened)")
                .contains("per socket   heap 2.0 KiB, RSS ")
                .contains("frames in    hello=10");
        assertThat(server.heartbeats()).isPositive();
    }

    @Test
    void shouldCountSocketsRefusedForAnotherSecretAndExitNonZero() {
        final Run run = run("another-secret-of-at-least-32-characters", "ws-chat", "--url", server.url(),
                "--mode", "idle", "--clients", "3", "--hold", "1s");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("sockets      0 of 3 connected").contains("failures handshake 401=3")
                .contains("held         0 of 3");
    }

    @Test
    void shouldStopBeforeSendingWhenAChannelCannotBeCreated() {
        final Run run = run("another-secret-of-at-least-32-characters", "ws-chat", "--url", server.url(),
                "--clients", "2");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("channels     0 direct channels created").contains("(401=1)")
                .contains("1 channels were not created; nothing sent");
    }

    @Test
    void shouldRejectOptionsThatDoNotFitTheModeBeforeConnecting() {
        assertThat(chat("--clients", "3")).satisfies(r -> assertThat(r.exitCode()).isEqualTo(2))
                .satisfies(r -> assertThat(r.err()).contains("--clients must be even"));
        assertThat(chat("--rate", "10", "--concurrency", "2"))
                .satisfies(r -> assertThat(r.err()).contains("at most one of --rate"));
        assertThat(chat("--mode", "idle", "--rate", "10"))
                .satisfies(r -> assertThat(r.err()).contains("--mode idle sends no messages"));
        assertThat(chat("--server-pid", "1"))
                .satisfies(r -> assertThat(r.err()).contains("--server-pid and --full-gc are for --mode idle"));
        assertThat(chat("--mode", "idle", "--full-gc"))
                .satisfies(r -> assertThat(r.err()).contains("--full-gc needs --server-pid"));
        assertThat(chat("--mode", "groups", "--groups", "600", "--members", "100"))
                .satisfies(r -> assertThat(r.err()).contains("at most 50000 sockets"));
        assertThat(chat("--mode", "groups", "--members", "1"))
                .satisfies(r -> assertThat(r.err()).contains("--members must be 2 to"));
        assertThat(chat("--heartbeat", "10ms"))
                .satisfies(r -> assertThat(r.err()).contains("--heartbeat must be at least 100ms"));
        assertThat(chat("--ack-interval", "50ms"))
                .satisfies(r -> assertThat(r.err()).contains("--ack-interval must be 0s or at least 100ms"));
        assertThat(chat("--duration", "2h"))
                .satisfies(r -> assertThat(r.err()).contains("--duration must be above 0 and at most 1h"));
        assertThat(chat("--mode", "chatty"))
                .satisfies(r -> assertThat(r.err()).contains("--mode"));
        assertThat(chat("--user-prefix", "a b"))
                .satisfies(r -> assertThat(r.err()).contains("--user-prefix must be"));
        assertThat(run(SECRET, "ws-chat", "--url", "http://192.0.2.1:8080"))
                .satisfies(r -> assertThat(r.err()).contains("not loopback"));
        assertThat(run(null, "ws-chat", "--url", server.url()))
                .satisfies(r -> assertThat(r.err()).contains("EVENTLINE_JWT_SECRET must be set"));
        assertThat(run("short", "ws-chat", "--url", server.url()))
                .satisfies(r -> assertThat(r.err()).contains("32 characters or more"));
        assertThat(server.channelRequests()).isEmpty();
    }

    @Test
    void shouldDefaultToAThousandPairedClientsAtAThousandMessagesPerSecond() {
        final ChatLoadCommand command = new ChatLoadCommand();
        new CommandLine(command).parseArgs("--url", "http://localhost:8080");

        command.checkOptions();

        assertThat(command.mode).isEqualTo(ChatLoadCommand.Mode.pairs);
        assertThat(command.clients).isEqualTo(1_000);
        assertThat(command.rateOrDefault()).isEqualTo(1_000.0);
        assertThat(command.describeMode()).isEqualTo("1,000 sockets in 500 direct channels; both members send, in "
                + "turn");
        assertThat(command.describeLoad()).isEqualTo("open loop, 1000 messages/s for 30s after a 10s warm-up, "
                + "64-character texts; heartbeat as the hello asks; seq acks per message frame; connects at 200/s, "
                + "at most 64 in flight");
        assertThat(command.users(3)).hasSize(3).allMatch(user -> user.matches("chat-[0-9a-z]+-[0-2]"));
    }

    @Test
    void shouldTakeTheHeartbeatIntervalFromTheHello() {
        assertThat(ChatLoadCommand.heartbeatFromHello(ChatSocket.JSON.createObjectNode()
                .put("type", "hello").put("heartbeatIntervalSeconds", 2))).hasSeconds(2);
        assertThat(ChatLoadCommand.heartbeatFromHello(ChatSocket.JSON.createObjectNode().put("type", "hello")))
                .isEqualTo(ChatLoadCommand.DEFAULT_HEARTBEAT);
    }

    private static long number(String text, String regex) {
        final Matcher matcher = Pattern.compile(regex).matcher(text);
        assertThat(matcher.find()).as(regex + " in " + text).isTrue();
        return Long.parseLong(matcher.group(1).replace(",", ""));
    }
}
