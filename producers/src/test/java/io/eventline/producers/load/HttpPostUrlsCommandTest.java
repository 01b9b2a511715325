package io.eventline.producers.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HttpPostUrlsCommandTest {

    @Test
    void shouldSendRequestsAsEachUserInTurn() {
        // Given three tokens given as --token three times
        final HttpPostUrlsCommand command = parse("--token", "t-a", "--token", "t-b", "--token", "t-c");

        // When six requests are built
        final List<String> authorizations = java.util.stream.LongStream.range(0, 6)
                .mapToObj(i -> authorization(command, i))
                .toList();

        // Then each token is used in turn
        assertThat(authorizations).containsExactly("Bearer t-a", "Bearer t-b", "Bearer t-c",
                "Bearer t-a", "Bearer t-b", "Bearer t-c");
        assertThat(command.describeRequests()).isEqualTo("POST /api/v1/urls as 3 users in turn");
    }

    @Test
    void shouldKeepOneTokenForEveryRequest() {
        // Given a single --token, as before
        final HttpPostUrlsCommand command = parse("--token", "only");

        // When / Then every request carries it, and the report names the path alone
        assertThat(authorization(command, 0)).isEqualTo("Bearer only");
        assertThat(authorization(command, 3_000_000_001L)).isEqualTo("Bearer only");
        assertThat(command.describeRequests()).isEqualTo("POST /api/v1/urls");
    }

    @Test
    void shouldTakeTokensInTurnPastIntRange() {
        assertThat(HttpPostUrlsCommand.tokenFor(List.of("a", "b", "c"), 3_000_000_002L)).isEqualTo("c");
    }

    @Test
    void shouldStillRequireAToken() {
        // Given no --token
        final CommandLine commandLine = new CommandLine(new HttpPostUrlsCommand());
        commandLine.setErr(new PrintWriter(new StringWriter()));

        // When it runs, Then picocli rejects it as a usage error
        assertThat(commandLine.execute("--url", "http://localhost:1", "--rate", "1")).isEqualTo(2);
    }

    private static HttpPostUrlsCommand parse(String... tokenArgs) {
        final HttpPostUrlsCommand command = new HttpPostUrlsCommand();
        final String[] args = new String[tokenArgs.length + 4];
        System.arraycopy(new String[] {"--url", "http://localhost:1", "--rate", "1"}, 0, args, 0, 4);
        System.arraycopy(tokenArgs, 0, args, 4, tokenArgs.length);
        new CommandLine(command).parseArgs(args);
        return command;
    }

    private static String authorization(HttpPostUrlsCommand command, long index) {
        final HttpRequest request = command.request(URI.create("http://localhost:1"), index, HttpRequest.newBuilder());
        return request.headers().firstValue("Authorization").orElseThrow();
    }
}
