package io.eventline.producers.hashing;

/** {@code hash(key) % n}: the chapter's naive placement, where nearly every key moves when n changes. */
public final class ModuloPlacement {
    private ModuloPlacement() {
    }

    public static Placement place(KeyHashes keys, int instances) {
        final int[] owners = new int[keys.count()];
        for (int i = 0; i < owners.length; i++) {
            owners[i] = keys.hash(i) % instances;
        }
        return new Placement(instances, owners);
    }
}
