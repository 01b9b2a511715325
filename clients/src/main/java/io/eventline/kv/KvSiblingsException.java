package io.eventline.kv;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A read of a key that holds siblings ({@code 300 Multiple Choices}): values written concurrently in two data
 * centres, every one kept. Resolve them by writing the value they should become with
 * {@code KvPutOptions.none().ifMatch(etag())}: that write replaces all of them, in every data centre.
 */
public final class KvSiblingsException extends KvException {
    private static final long serialVersionUID = 1L;

    private final String etag;
    private final transient List<KvValue> siblings;

    /**
     * @param etag     the ETag covering every sibling
     * @param siblings newest first, each with its own ETag
     */
    public KvSiblingsException(String etag, List<KvValue> siblings) {
        super(300, "", "Siblings", siblings.size() + " values written concurrently; put with If-Match: " + etag
                + " to resolve them", Optional.<Duration>empty());
        this.etag = etag;
        this.siblings = List.copyOf(siblings);
    }

    /** The ETag to resolve them with: a put with it as If-Match replaces every sibling. */
    public String etag() {
        return etag;
    }

    /** The siblings, newest first (by hybrid logical clock). */
    public List<KvValue> siblings() {
        return siblings;
    }
}
