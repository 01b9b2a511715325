package io.eventline.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class UnsubscribeLinksTest {
    private final UnsubscribeLinks links = new UnsubscribeLinks("https://eventline.example", "s3cret");

    private static String tokenOf(String link) {
        return link.substring(link.indexOf("?token=") + "?token=".length());
    }

    @Test
    void shouldVerifyItsOwnLink() {
        final String link = links.link("bob", "new-follower");

        assertThat(link).startsWith("https://eventline.example" + UnsubscribeLinks.PATH + "?token=");
        assertThat(tokenOf(link)).matches("[A-Za-z0-9_.-]+");
        assertThat(links.verify(tokenOf(link)))
                .contains(new UnsubscribeLinks.Subscription("bob", "new-follower"));
    }

    @Test
    void shouldRoundTripNonAsciiNames() {
        assertThat(links.verify(links.token("zoë-ünïcødé", "chat-message")))
                .contains(new UnsubscribeLinks.Subscription("zoë-ünïcødé", "chat-message"));
    }

    @Test
    void shouldRejectATokenRewrittenForSomeoneElse() {
        final String token = links.token("mallory", "new-follower");
        final String signature = token.substring(token.indexOf('.') + 1);
        final String forgedPayload = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("bob\u0000new-follower".getBytes(StandardCharsets.UTF_8));

        assertThat(links.verify(forgedPayload + "." + signature)).isEmpty();
    }

    @Test
    void shouldRejectATokenOfAnotherTemplate() {
        final String token = links.token("bob", "new-follower");
        final String signature = token.substring(token.indexOf('.') + 1);
        final String otherTemplate = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("bob\u0000chat-message".getBytes(StandardCharsets.UTF_8));

        assertThat(links.verify(otherTemplate + "." + signature)).isEmpty();
    }

    @Test
    void shouldRejectATokenSignedWithAnotherSecret() {
        final UnsubscribeLinks other = new UnsubscribeLinks("https://eventline.example", "guessed");

        assertThat(links.verify(other.token("bob", "new-follower"))).isEmpty();
    }

    @Test
    void shouldRejectATamperedSignature() {
        // the first character of the signature: the last one also carries bits the decoder ignores
        final String token = links.token("bob", "new-follower");
        final int dot = token.indexOf('.');
        final char first = token.charAt(dot + 1);
        final String tampered = token.substring(0, dot + 1) + (first == 'A' ? 'B' : 'A') + token.substring(dot + 2);

        assertThat(links.verify(tampered)).isEmpty();
    }

    @Test
    void shouldRejectMalformedTokens() {
        final String token = links.token("bob", "new-follower");

        assertThat(links.verify(null)).isEmpty();
        assertThat(links.verify("")).isEmpty();
        assertThat(links.verify("no-dot-at-all")).isEmpty();
        assertThat(links.verify("!!!." + token.substring(token.indexOf('.') + 1))).isEmpty();
        assertThat(links.verify(token + ".extra")).isEmpty();
        assertThat(links.verify(token.substring(0, token.indexOf('.')) + ".")).isEmpty();
        final String noSeparator = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("bobnew-follower".getBytes(StandardCharsets.UTF_8));
        assertThat(links.verify(noSeparator + "." + token.substring(token.indexOf('.') + 1))).isEmpty();
    }
}
