package io.eventline.shorturl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.http.ProblemException;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinkRequestValidatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LinkRequestValidator validator = new LinkRequestValidator(
            LinkUrls.forService(List.of("https://sho.rt"), 8080, host -> List.of()));

    @Test
    void shouldDefaultTo302AndNoAlias() throws Exception {
        final LinkRequestValidator.LinkRequest request = validator.validate(JSON.readTree(
                "{\"url\":\"https://example.com/a?b=c#d\"}"));

        assertThat(request.redirect()).isEqualTo(302);
        assertThat(request.customCode()).isNull();
        assertThat(request.url()).isEqualTo("https://example.com/a?b=c#d");
    }

    @Test
    void shouldCountUrlLengthInCodePoints() throws Exception {
        final String emoji = "\uD83D\uDE00";
        final String base = "https://example.com/";
        final String atLimit = base + emoji.repeat(LinkRequestValidator.MAX_URL_CODE_POINTS - base.length());

        // the limit counts the characters as written; the link is kept percent-encoded
        assertThat(validator.validate(JSON.createObjectNode().put("url", atLimit)).url())
                .isEqualTo(base + "%F0%9F%98%80".repeat(LinkRequestValidator.MAX_URL_CODE_POINTS - base.length()));
        assertThatThrownBy(() -> validator.validate(JSON.createObjectNode().put("url", atLimit + "x")))
                .isInstanceOf(ProblemException.class);
    }

    @Test
    void shouldRefuseLinksBackToTheShortenerWhateverTheCase() {
        assertThatThrownBy(() -> validator.validate(JSON.createObjectNode().put("url", "https://SHO.RT/abc")))
                .isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).errors().get(0).pointer()).isEqualTo("/url"));
    }

    @Test
    void shouldRefuseLinksToThisMachinesLoopbackWhateverItIsCalled() {
        for (String url : List.of("http://127.0.0.1:8080/x", "http://[::1]:8080/x", "http://localhost.:8080/x",
                "http://0.0.0.0:8080/x")) {
            assertThatThrownBy(() -> validator.validate(JSON.createObjectNode().put("url", url))).as(url)
                    .isInstanceOf(ProblemException.class)
                    .satisfies(e -> assertThat(((ProblemException) e).errors().get(0).detail())
                            .contains("this shortener"));
        }
    }

    @Test
    void shouldReportEveryBadFieldAtOnce() {
        assertThatThrownBy(() -> validator.validate(JSON.createObjectNode().put("url", 42).put("redirect", 307)
                .put("code", "no spaces")))
                .isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).errors())
                        .extracting(ProblemException.FieldError::pointer)
                        .containsExactly("/url", "/redirect", "/code"));
    }
}
