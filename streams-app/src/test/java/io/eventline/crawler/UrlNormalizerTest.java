package io.eventline.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class UrlNormalizerTest {
    private final UrlNormalizer normalizer = new UrlNormalizer(CrawlerSettings.DEFAULT_MAX_URL_LENGTH);

    private String normal(String url) {
        final Checked<String> checked = normalizer.normalize(url);
        assertThat(checked.passed()).as("%s refused: %s", url, checked.detail()).isTrue();
        return checked.value();
    }

    @Test
    void shouldGiveOneSpellingToEquivalentAbsoluteUrls() {
        // Given: spellings of one page that differ in case, port, dots, fragment, escapes and parameter order
        final Map<String, String> cases = Map.of(
                "HTTP://Example.COM:80/a/./b/../c?b=2&a=1#top", "http://example.com/a/c?a=1&b=2",
                "https://example.com:443", "https://example.com/",
                "http://example.com:8080", "http://example.com:8080/",
                "http://example.com/%7euser/%2fx%3a", "http://example.com/~user/%2Fx%3A",
                "http://example.com/a b/é", "http://example.com/a%20b/%C3%A9",
                "http://user:secret@example.com./", "http://example.com/",
                "http://bücher.example/", "http://xn--bcher-kva.example/",
                "http://example.com/../../x", "http://example.com/x",
                "http://example.com/?", "http://example.com/",
                "http://[2001:DB8::1]:8080/", "http://[2001:db8::1]:8080/");
        // When / Then: each has the one normal form
        cases.forEach((url, expected) -> assertThat(normal(url)).as(url).isEqualTo(expected));
    }

    @Test
    void shouldDropTrackingParametersAndSessionIdsButKeepTheRest() {
        // Given: a link as shared from a campaign
        final String url = "https://shop.example/item;jsessionid=ABC123?utm_source=news&id=7&UTM_Medium=mail"
                + "&gclid=x&fbclid=y&color=red&msclkid=z";
        // When / Then: only the parameters that name the resource are left, sorted
        assertThat(normal(url)).isEqualTo("https://shop.example/item?color=red&id=7");
        assertThat(normal("https://shop.example/?utm_source=a")).isEqualTo("https://shop.example/");
    }

    @Test
    void shouldSortParametersByNameThenValueKeepingRepeatsAndPlus() {
        // Given / When / Then
        assertThat(normal("http://e.example/s?q=a+b&z=1&a=2&a=1&&flag"))
                .isEqualTo("http://e.example/s?a=1&a=2&flag&q=a+b&z=1");
    }

    @Test
    void shouldResolveRelativeReferencesAsRfc3986Does() {
        // Given: the base of RFC 3986 section 5.4
        final String base = "http://a/b/c/d;p?q";
        final Map<String, String> cases = Map.of(
                "g", "http://a/b/c/g",
                "./g", "http://a/b/c/g",
                "../g", "http://a/b/g",
                "../../../../g", "http://a/g",
                "/./g", "http://a/g",
                "?y", "http://a/b/c/d;p?y",
                "#s", "http://a/b/c/d;p?q",
                "", "http://a/b/c/d;p?q",
                "//g", "http://g/",
                "g/../h?x=1", "http://a/b/c/h?x=1");
        // When / Then
        cases.forEach((ref, expected) -> assertThat(normalizer.resolve(base, ref).value()).as(ref)
                .isEqualTo(expected));
        assertThat(normalizer.resolve("http://a", "g").value()).isEqualTo("http://a/g");
        assertThat(normalizer.resolve("http://a/b", "https://other.example/x").value())
                .isEqualTo("https://other.example/x");
    }

    @Test
    void shouldRefuseWhatIsNotAnHttpUrlWithAReason() {
        // Given / When / Then
        assertThat(normalizer.normalize("mailto:someone@example.com").reason())
                .isEqualTo(UrlNormalizer.UNSUPPORTED_SCHEME);
        assertThat(normalizer.normalize("javascript:alert(1)").reason()).isEqualTo(UrlNormalizer.UNSUPPORTED_SCHEME);
        assertThat(normalizer.normalize("ftp://example.com/f").reason()).isEqualTo(UrlNormalizer.UNSUPPORTED_SCHEME);
        assertThat(normalizer.normalize("http:///path").reason()).isEqualTo(UrlNormalizer.NO_HOST);
        assertThat(normalizer.normalize("/relative/only").reason()).isEqualTo(UrlNormalizer.MALFORMED);
        assertThat(normalizer.normalize("http://example.com:99999/").reason()).isEqualTo(UrlNormalizer.BAD_PORT);
        assertThat(normalizer.normalize("http://exa mple.com/").reason()).isEqualTo(UrlNormalizer.BAD_HOST);
        assertThat(normalizer.normalize("http://0x7f000001/").reason()).isEqualTo(UrlNormalizer.BAD_HOST);
        assertThat(normalizer.normalize("http://127.1/").reason()).isEqualTo(UrlNormalizer.BAD_HOST);
        assertThat(normal("http://127.0.0.1:8080/")).isEqualTo("http://127.0.0.1:8080/");
    }

    @Test
    void shouldRefuseUrlsLongerThanTheCap() {
        // Given: a cap of 40 characters
        final UrlNormalizer short40 = new UrlNormalizer(40);
        // When / Then: a longer URL is refused, before and after escaping makes it longer
        assertThat(short40.normalize("http://example.com/" + "a".repeat(30)).reason())
                .isEqualTo(UrlNormalizer.TOO_LONG);
        assertThat(short40.normalize("http://example.com/" + "é".repeat(10)).reason())
                .isEqualTo(UrlNormalizer.TOO_LONG);
        assertThat(short40.normalize("http://example.com/" + "a".repeat(10)).passed()).isTrue();
    }

    @Test
    void shouldBeIdempotent() {
        // Given: URLs already normal; When: normalised again; Then: unchanged
        for (String url : new String[]{"http://example.com/a%20b/%C3%A9?a=1&b=%26", "https://x.example/~u/?q=a+b",
                "http://e.example/%25done", "http://e.example/100%"}) {
            final String once = normal(url);
            assertThat(normal(once)).as(url).isEqualTo(once);
        }
        assertThat(normal("http://e.example/100%")).isEqualTo("http://e.example/100%25");
    }
}
