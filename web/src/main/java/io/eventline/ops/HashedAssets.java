package io.eventline.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A page's files, read once from the classpath and each named after its content's hash, so a browser may keep
 * them for a year: a changed file gets a new name. The page refers to {@code <assetsPath>/<name>}, and its
 * scripts import each other as {@code './<name>.js'}; both are rewritten to the hashed names, a file's own name
 * being hashed after the names it refers to, so a change reaches every file that depends on it.
 */
public final class HashedAssets {
    /** How many hex digits of the SHA-256 of its content an asset's name and ETag carry. */
    static final int HASH_DIGITS = 16;
    private static final Pattern SCRIPT_REFERENCE = Pattern.compile("(['\"])\\./([A-Za-z0-9_-]+\\.(?:js|css))\\1");
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "html", "text/html; charset=utf-8");

    private final String root;
    private final String assetsPath;
    private final Map<String, Asset> byPlainName = new LinkedHashMap<>();
    private final Map<String, Asset> byHashedName = new LinkedHashMap<>();
    private final Set<String> resolving = new LinkedHashSet<>();
    private final Asset page;

    /** One file as served: its hashed name, its content type, its bytes and its strong ETag. */
    public record Asset(String name, String contentType, byte[] body, String etag) {
    }

    private HashedAssets(String root, String assetsPath, String pageName) {
        this.root = root;
        this.assetsPath = assetsPath;
        final String html = rewrite(read(pageName), Pattern.compile(
                "(['\"])" + Pattern.quote(assetsPath) + "/([A-Za-z0-9_-]+\\.(?:js|css))\\1"), assetsPath + "/");
        final byte[] body = html.getBytes(StandardCharsets.UTF_8);
        this.page = new Asset(pageName, contentType(pageName), body, etag(body));
    }

    /**
     * Reads {@code pageName} from the classpath folder {@code root} and every asset it refers to under
     * {@code assetsPath}, following the imports between scripts.
     *
     * @throws IllegalStateException when a file is missing or scripts import each other in a cycle
     */
    public static HashedAssets load(String root, String assetsPath, String pageName) {
        return new HashedAssets(root, assetsPath, pageName);
    }

    /** The page, its references rewritten to the hashed names. */
    public Asset page() {
        return page;
    }

    /** The asset served as {@code hashedName}, e.g. {@code app.0123456789abcdef.js}. */
    public Optional<Asset> asset(String hashedName) {
        return Optional.ofNullable(byHashedName.get(hashedName));
    }

    /** The hashed name of the asset the page calls {@code plainName}, e.g. {@code app.js}. */
    public Optional<String> hashedName(String plainName) {
        return Optional.ofNullable(byPlainName.get(plainName)).map(Asset::name);
    }

    private Asset resolve(String plainName) {
        final Asset known = byPlainName.get(plainName);
        if (known != null) {
            return known;
        }
        if (!resolving.add(plainName)) {
            throw new IllegalStateException("the page's scripts import each other in a cycle: " + resolving);
        }
        String text = read(plainName);
        if (plainName.endsWith(".js")) {
            text = rewrite(text, SCRIPT_REFERENCE, "./");
        }
        resolving.remove(plainName);
        final byte[] body = text.getBytes(StandardCharsets.UTF_8);
        final String hash = hash(body);
        final int dot = plainName.lastIndexOf('.');
        final String hashed = plainName.substring(0, dot) + '.' + hash + plainName.substring(dot);
        final Asset asset = new Asset(hashed, contentType(plainName), body, '"' + hash + '"');
        byPlainName.put(plainName, asset);
        byHashedName.put(hashed, asset);
        return asset;
    }

    /** Replaces each reference {@code pattern} finds (quote in group 1, plain name in group 2) by the hashed one. */
    private String rewrite(String text, Pattern pattern, String prefix) {
        final Matcher matcher = pattern.matcher(text);
        final StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            final String quote = matcher.group(1);
            matcher.appendReplacement(out, Matcher.quoteReplacement(
                    quote + prefix + resolve(matcher.group(2)).name() + quote));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private String read(String name) {
        final String resource = root + "/" + name;
        try (InputStream in = HashedAssets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the page's file " + resource + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String contentType(String name) {
        final String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        final String type = CONTENT_TYPES.get(extension);
        if (type == null) {
            throw new IllegalStateException("no content type known for " + name);
        }
        return type;
    }

    private static String etag(byte[] body) {
        return '"' + hash(body) + '"';
    }

    private static String hash(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body))
                    .substring(0, HASH_DIGITS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    /** Where the page's assets are served: {@code /ops/assets}. */
    public String assetsPath() {
        return assetsPath;
    }
}
