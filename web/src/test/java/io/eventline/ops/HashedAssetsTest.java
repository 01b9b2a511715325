package io.eventline.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Content-hashed names: a file's name follows its content and the names of the files it imports. */
class HashedAssetsTest {
    @Test
    void shouldNameEachAssetAfterTheHashOfWhatItServes() throws Exception {
        // When
        final HashedAssets assets = HashedAssets.load("/hashed-assets/v1", "/x/assets", "index.html");

        // Then
        final String main = assets.hashedName("main.js").orElseThrow();
        final HashedAssets.Asset served = assets.asset(main).orElseThrow();
        final String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(served.body()))
                .substring(0, HashedAssets.HASH_DIGITS);
        assertThat(main).isEqualTo("main." + hash + ".js");
        assertThat(served.etag()).isEqualTo('"' + hash + '"');
        assertThat(served.contentType()).startsWith("text/javascript");
        assertThat(new String(served.body(), StandardCharsets.UTF_8))
                .contains("from './" + assets.hashedName("greet.js").orElseThrow() + "'")
                .doesNotContain("'./greet.js'");
        assertThat(new String(assets.page().body(), StandardCharsets.UTF_8))
                .contains("src=\"/x/assets/" + main + "\"")
                .contains("href=\"/x/assets/" + assets.hashedName("site.css").orElseThrow() + "\"");
    }

    @Test
    void shouldRenameAScriptWhenOnlyAModuleItImportsChanged() {
        // Given two versions that differ in greet.js alone
        final HashedAssets before = HashedAssets.load("/hashed-assets/v1", "/x/assets", "index.html");
        final HashedAssets after = HashedAssets.load("/hashed-assets/v2", "/x/assets", "index.html");

        // Then the importer gets a new name too, and the unchanged stylesheet keeps its own
        assertThat(after.hashedName("greet.js")).isNotEqualTo(before.hashedName("greet.js"));
        assertThat(after.hashedName("main.js")).isNotEqualTo(before.hashedName("main.js"));
        assertThat(after.hashedName("site.css")).isEqualTo(before.hashedName("site.css"));
        assertThat(after.page().etag()).isNotEqualTo(before.page().etag());
    }

    @Test
    void shouldRefuseScriptsThatImportEachOtherInACycle() {
        assertThatThrownBy(() -> HashedAssets.load("/hashed-assets/cycle", "/x/assets", "index.html"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cycle");
    }

    @Test
    void shouldFailAtStartWhenAReferencedFileIsMissing() {
        assertThatThrownBy(() -> HashedAssets.load("/hashed-assets/none", "/x/assets", "index.html"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("index.html");
    }
}
