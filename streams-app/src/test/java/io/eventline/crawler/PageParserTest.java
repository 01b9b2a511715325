package io.eventline.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PageParserTest {
    private static final String PAGE_URL = "https://site.example/dir/page.html";
    private final PageParser parser = new PageParser(CrawlerSettings.defaults());

    private ParsedPage parse(String html) {
        return parser.parse(html.getBytes(StandardCharsets.UTF_8), "UTF-8", PAGE_URL);
    }

    @Test
    void shouldReadTitleLinksAndVisibleText() {
        // Given: a page with relative, absolute, duplicate, nofollow, fragment and non-http links
        final ParsedPage page = parse("""
                <html><head><title>  A   page </title><style>p{color:red}</style>
                <script>var hidden = 1;</script></head>
                <body><h1>Hello</h1><p>World   again</p>
                <a href="next.html">next</a>
                <a href="/top?utm_source=x&b=2&a=1#part">top</a>
                <a href="https://OTHER.example:443/x">other</a>
                <a href="next.html#again">next again</a>
                <a href="ads.html" rel="sponsored nofollow">ad</a>
                <a href="mailto:me@site.example">mail</a>
                <a href="javascript:void(0)">js</a>
                <map><area href="/area" alt="a"></map>
                <noscript>enable js</noscript>
                </body></html>
                """);
        // Then
        assertThat(page.title()).isEqualTo("A page");
        assertThat(page.outlinks()).containsExactly("https://site.example/dir/next.html",
                "https://site.example/top?a=1&b=2", "https://other.example/x", "https://site.example/area");
        assertThat(page.nofollowLinks()).isEqualTo(1);
        assertThat(page.droppedLinks()).isEqualTo(2);
        assertThat(page.text()).isEqualTo("Hello World again next top other next again ad mail js");
        assertThat(page.noindex()).isFalse();
        assertThat(page.nofollow()).isFalse();
    }

    @Test
    void shouldResolveLinksAgainstTheBaseHref() {
        // Given
        final ParsedPage page = parse("""
                <html><head><base href="/assets/v2/"><base href="https://ignored.example/"></head>
                <body><a href="../img/a.html">a</a><a href="b.html">b</a></body></html>
                """);
        // Then: the first base, itself resolved against the page
        assertThat(page.outlinks()).containsExactly("https://site.example/assets/img/a.html",
                "https://site.example/assets/v2/b.html");
    }

    @Test
    void shouldHonourMetaRobotsForUsOrForAll() {
        // Given / When
        final ParsedPage none = parse("<meta name=\"robots\" content=\"none\"><a href=\"x\">x</a>");
        final ParsedPage ours = parse("<meta name=\"EventlineBot\" content=\"noindex\"><a href=\"x\">x</a>");
        final ParsedPage others = parse("<meta name=\"otherbot\" content=\"noindex, nofollow\"><a href=\"x\">x</a>");
        // Then
        assertThat(none.noindex()).isTrue();
        assertThat(none.nofollow()).isTrue();
        assertThat(none.outlinks()).isEmpty();
        assertThat(none.nofollowLinks()).isEqualTo(1);
        assertThat(ours.noindex()).isTrue();
        assertThat(ours.nofollow()).isFalse();
        assertThat(ours.outlinks()).hasSize(1);
        assertThat(others.noindex()).isFalse();
        assertThat(others.outlinks()).hasSize(1);
    }

    @Test
    void shouldCapOutlinksAndTextAndHashTheWholeText() {
        // Given: 30 distinct links and 400 two-byte letters, with caps of 10 links and 101 bytes
        final PageParser small = new PageParser(CrawlerSettings.builder().maxOutlinks(10).maxTextBytes(101).build());
        final StringBuilder html = new StringBuilder("<body><p>").append("é".repeat(400)).append("</p>");
        for (int i = 0; i < 30; i++) {
            html.append("<a href=\"/p").append(i).append("\"></a><a href=\"/p0\"></a>");
        }
        // When
        final ParsedPage page = small.parse(html.toString().getBytes(StandardCharsets.UTF_8), null, PAGE_URL);
        // Then: never half a character; the hash is of all the text
        assertThat(page.outlinks()).hasSize(10).startsWith("https://site.example/p0", "https://site.example/p1");
        assertThat(page.droppedLinks()).isEqualTo(20);
        assertThat(page.text()).isEqualTo("é".repeat(50));
        assertThat(page.textTruncated()).isTrue();
        assertThat(page.contentHash()).isEqualTo(PageParser.sha256("é".repeat(400)));
    }

    @Test
    void shouldGiveTheSameHashToTheSameTextInOtherMarkup() {
        // Given: one text in two layouts, and a different text
        final ParsedPage one = parse("<html><body><div><b>Same</b> words\n here</div></body></html>");
        final ParsedPage two = parse("<body><p>Same</p> <p>words here</p><script>x()</script>");
        final ParsedPage other = parse("<body><p>Other words here</p>");
        // Then
        assertThat(one.contentHash()).isEqualTo(two.contentHash()).hasSize(64);
        assertThat(other.contentHash()).isNotEqualTo(one.contentHash());
    }

    @Test
    void shouldReadTheCharsetFromTheHeaderOrThePage() {
        // Given: a Latin-1 page, once with the header's charset and once naming it in a meta tag
        final Charset latin1 = StandardCharsets.ISO_8859_1;
        final byte[] plain = "<p>caf\u00e9</p>".getBytes(latin1);
        final byte[] withMeta = "<meta charset=\"ISO-8859-1\"><p>caf\u00e9</p>".getBytes(latin1);
        // When / Then
        assertThat(parser.parse(plain, "ISO-8859-1", PAGE_URL).text()).isEqualTo("café");
        assertThat(parser.parse(withMeta, null, PAGE_URL).text()).isEqualTo("café");
        assertThat(parser.parse(withMeta, "no-such-charset", PAGE_URL).text()).isEqualTo("café");
    }
}
