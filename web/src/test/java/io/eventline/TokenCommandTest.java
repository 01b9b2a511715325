package io.eventline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ./eventline token}: what it refuses to mint. */
class TokenCommandTest {

    @Test
    void shouldRefuseALifetimeBeyondThirtyDaysWithoutMintingAToken() {
        for (String ttl : new String[] {"31d", "745h", "99999999999999999999d"}) {
            // Given
            final StringWriter out = new StringWriter();
            final StringWriter err = new StringWriter();

            // When
            final int exit = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                    .execute("token", "alice", "--ttl", ttl);

            // Then
            assertThat(exit).as(ttl).isEqualTo(2);
            assertThat(err.toString()).as(ttl).contains("--ttl is at most 30d");
            assertThat(out.toString()).as(ttl).isEmpty();
        }
    }
}
