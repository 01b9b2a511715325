package io.eventline.kv;

import java.util.List;
import java.util.Optional;

/**
 * One page of a scan.
 *
 * @param items      the keys of this page, in key order
 * @param nextCursor the cursor of the next page; absent on the last page
 */
public record KvPage(List<KvKeyInfo> items, Optional<String> nextCursor) {
    public KvPage {
        items = List.copyOf(items);
    }
}
