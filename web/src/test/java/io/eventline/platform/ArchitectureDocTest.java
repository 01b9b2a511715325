package io.eventline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The architecture guide names classes a reader can open: a renamed or deleted class must not linger there. */
class ArchitectureDocTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** A code span holding one type name, optionally with a member: {@code `Platform`}, {@code `Topic.keyOf`}. */
    private static final Pattern TYPE_SPAN = Pattern.compile("`([A-Z][a-z][A-Za-z0-9]*)(?:[.#][A-Za-z0-9]+)?(?:\\(\\))?`");
    /** HTTP headers written like types. */
    private static final Set<String> HEADERS = Set.of("RateLimit", "Retry-After", "Location");

    @Test
    void shouldNameOnlyTypesThatExist() throws IOException {
        // Given
        final Set<String> types = typesInSources();
        // the guide's example domain is made up on purpose
        final String doc = Files.readString(ROOT.resolve("docs/architecture.md"))
                .replaceAll("(?s)## How to add a domain.*?(?=\n## )", "");

        // When
        final Set<String> named = new TreeSet<>();
        final Matcher matcher = TYPE_SPAN.matcher(doc);
        while (matcher.find()) {
            named.add(matcher.group(1));
        }
        named.removeAll(HEADERS);

        // Then
        assertThat(named).as("types the guide names").isNotEmpty();
        assertThat(named).as("types named in docs/architecture.md but found in no source file or schema")
                .allMatch(types::contains);
    }

    private static Set<String> typesInSources() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(file -> file.toString().contains("/src/"))
                    .filter(file -> !file.toString().contains("/node_modules/"))
                    .map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".java") || name.endsWith(".avsc"))
                    .map(name -> name.substring(0, name.lastIndexOf('.')))
                    .collect(Collectors.toSet());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
