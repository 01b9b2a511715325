package io.eventline.shorturl;

/** Base-62 over {@code [0-9a-zA-Z]}, the alphabet of short codes. */
public final class Base62 {
    static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    /** 62^7: the number of 7-character codes, about 3.5 trillion. */
    public static final long SEVEN_CHAR_SPACE = 3_521_614_606_208L;

    private Base62() {
    }

    /** Encodes {@code value} in exactly {@code width} characters, left-padded with '0'. */
    public static String encode(long value, int width) {
        if (value < 0) {
            throw new IllegalArgumentException("negative value " + value);
        }
        final char[] out = new char[width];
        long rest = value;
        for (int i = width - 1; i >= 0; i--) {
            out[i] = ALPHABET.charAt((int) (rest % 62));
            rest /= 62;
        }
        if (rest != 0) {
            throw new IllegalArgumentException(value + " does not fit in " + width + " base-62 characters");
        }
        return new String(out);
    }

    public static long decode(String text) {
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            final int digit = ALPHABET.indexOf(text.charAt(i));
            if (digit < 0) {
                throw new IllegalArgumentException("not a base-62 character: " + text.charAt(i));
            }
            value = Math.multiplyExact(value, 62) + digit;
        }
        return value;
    }
}
