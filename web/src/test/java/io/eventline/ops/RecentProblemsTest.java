package io.eventline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class RecentProblemsTest {
    private final Logger log = LoggerFactory.getLogger("io.eventline.ops.RecentProblemsTest.sample");
    private final RecentProblems problems = RecentProblems.attachToRoot();

    @AfterEach
    void detach() {
        problems.detach();
    }

    @Test
    void shouldKeepWarningsAndErrorsNewestFirstAndNothingBelow() {
        // when
        log.info("started");
        log.warn("slow broker {}", 3);
        log.error("store failed", new IllegalStateException("disk full"));

        // then
        final RecentProblems.Summary summary = problems.summary();
        assertThat(summary.warnings()).isEqualTo(1);
        assertThat(summary.errors()).isEqualTo(1);
        assertThat(summary.latest()).extracting(RecentProblems.Problem::message)
                .containsExactly("store failed (java.lang.IllegalStateException: disk full)", "slow broker 3");
        assertThat(summary.latest().get(0).level()).isEqualTo("ERROR");
    }

    @Test
    void shouldBoundTheEntriesAndTheLengthOfEachLine() {
        // when
        for (int i = 0; i < RecentProblems.MAX_ENTRIES + 20; i++) {
            log.warn("warning {}", i);
        }
        log.warn("x".repeat(10_000));

        // then
        final RecentProblems.Summary summary = problems.summary();
        assertThat(summary.warnings()).isEqualTo(RecentProblems.MAX_ENTRIES + 21);
        assertThat(summary.latest()).hasSize(RecentProblems.MAX_ENTRIES);
        assertThat(summary.latest().get(0).message()).hasSize(RecentProblems.MAX_MESSAGE_CHARS);
        assertThat(summary.latest().get(1).message()).isEqualTo("warning " + (RecentProblems.MAX_ENTRIES + 19));
    }
}
