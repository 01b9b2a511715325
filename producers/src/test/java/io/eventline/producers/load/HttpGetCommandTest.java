package io.eventline.producers.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HttpGetCommandTest {

    @Test
    void shouldNameAFewPathsAndCountMany() {
        final HttpGetCommand command = new HttpGetCommand();

        command.paths = List.of("/health");
        assertThat(command.describeRequests()).isEqualTo("GET /health");

        command.paths = List.of("/a", "/b", "/c", "/d", "/e");
        assertThat(command.describeRequests()).isEqualTo("GET /a, /b, ... (5 paths in turn)");
    }

    @Test
    void shouldTakePathsInTurn() {
        final List<String> paths = List.of("/a", "/b", "/c");

        assertThat(HttpGetCommand.pathFor(paths, 0)).isEqualTo("/a");
        assertThat(HttpGetCommand.pathFor(paths, 4)).isEqualTo("/b");
        assertThat(HttpGetCommand.pathFor(paths, 3_000_000_002L)).isEqualTo("/c");
    }

    @Test
    void shouldGiveEveryPostItsOwnUrl() {
        assertThat(HttpPostUrlsCommand.body("k3x", 41)).isEqualTo("{\"url\":\"https://example.com/load/k3x-41\"}");
    }
}
