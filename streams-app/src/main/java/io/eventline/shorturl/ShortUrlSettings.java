package io.eventline.shorturl;

import io.eventline.platform.Redaction;
import java.util.List;

/**
 * How the URL shortener behaves.
 *
 * @param partitions how many partitions the request, claims, clicks and links topics have: a generated code is
 *                   drawn on the partition its link lives on
 * @param codeSecret the key of the code permutation; changing it only changes which codes come next
 * @param publicUrl  the base of every {@code shortUrl}, e.g. {@code https://sho.rt}
 * @param links      which URLs may be shortened
 */
public record ShortUrlSettings(int partitions, String codeSecret, String publicUrl, LinkUrls links) {
    /** Links are checked against {@code publicUrl} and this machine, without resolving names. */
    public ShortUrlSettings(int partitions, String codeSecret, String publicUrl) {
        this(partitions, codeSecret, publicUrl, LinkUrls.forService(List.of(publicUrl), 0, host -> List.of()));
    }

    @Override
    public String toString() {
        return Redaction.of(this);
    }
}
