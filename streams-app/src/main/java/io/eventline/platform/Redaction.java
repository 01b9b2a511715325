package io.eventline.platform;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * Settings as text without their secrets: a record's own {@code toString} prints every field, so settings that
 * hold secrets print themselves through {@link #of(Record)} instead. A secret is a value whose name says so
 * (secret, token, password, credential, user info, JAAS configuration), at any depth of a map, and the user info
 * of a URL ({@code https://user:password@host}).
 */
public final class Redaction {
    /** What a secret is shown as: whether it is set, never what it is. */
    public static final String REDACTED = "(redacted)";
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(secret|token|password|passwd|credential|user_?info|jaas|private).*");
    private static final Pattern URL_USER_INFO = Pattern.compile("(?<=://)[^/@\\s]+@");

    private Redaction() {
    }

    /** Whether a setting named {@code name} holds a secret. */
    public static boolean isSecretName(String name) {
        return SECRET_NAME.matcher(name).matches();
    }

    /** {@code record} as its {@code toString} would print it, with every secret {@linkplain #REDACTED redacted}. */
    public static String of(Record record) {
        final StringJoiner fields = new StringJoiner(", ", record.getClass().getSimpleName() + "[", "]");
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            fields.add(component.getName() + "=" + shown(component.getName(), valueOf(record, component)));
        }
        return fields.toString();
    }

    /** {@code value} of the setting {@code name}, redacted when the name says it is a secret. */
    public static String shown(String name, Object value) {
        if (value instanceof Optional<?> optional) {
            return optional.map(present -> shown(name, present)).orElse("(unset)");
        }
        if (value == null) {
            return "null";
        }
        if (isSecretName(name)) {
            return REDACTED;
        }
        if (value instanceof Map<?, ?> map) {
            final StringJoiner entries = new StringJoiner(", ", "{", "}");
            map.forEach((key, entry) -> entries.add(key + "=" + shown(String.valueOf(key), entry)));
            return entries.toString();
        }
        return URL_USER_INFO.matcher(String.valueOf(value)).replaceAll(REDACTED + "@");
    }

    private static Object valueOf(Record record, RecordComponent component) {
        try {
            return component.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            return "(unreadable)";
        }
    }
}
