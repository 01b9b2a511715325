package io.eventline.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventline.auth.Users;
import io.eventline.http.ProblemException;
import io.eventline.http.JsonBodies;
import io.eventline.http.ProblemException.FieldError;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads and validates the notification API's request bodies; every violation is reported, by JSON pointer. */
final class NotifyRequests {
    static final Pattern TEMPLATE_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern PHONE = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final int MAX_TOKEN_LENGTH = 4096;
    private static final int MAX_PARAMS = 100;
    private static final int MAX_PARAM_LENGTH = 10_000;

    private NotifyRequests() {
    }

    /** The fields of a notification request, as a service posts them. */
    static NotificationRequested notification(JsonNode body, String requestedBy, Instant now) {
        final List<FieldError> errors = new ArrayList<>();
        final String eventId = JsonBodies.requiredText(body, "eventId", errors);
        if (eventId != null && (eventId.isEmpty() || eventId.length() > NotificationProcessor.MAX_EVENT_ID_LENGTH)) {
            errors.add(new FieldError("/eventId", "must be 1-" + NotificationProcessor.MAX_EVENT_ID_LENGTH + " characters"));
        }
        final String userId = JsonBodies.requiredText(body, "userId", errors);
        if (userId != null && !Users.isValidId(userId)) {
            errors.add(new FieldError("/userId", "must be 1-128 characters without control characters"));
        }
        final String template = JsonBodies.requiredText(body, "template", errors);
        if (template != null && !TEMPLATE_NAME.matcher(template).matches()) {
            errors.add(new FieldError("/template", "must match " + TEMPLATE_NAME.pattern()));
        }
        final Map<String, String> params = params(body.get("params"), errors);
        final List<String> channels = channels(body.get("channels"), errors);
        final Instant createdAt = JsonBodies.optionalInstant(body, "createdAt", now, errors);
        requireNone(errors);
        return NotificationRequested.newBuilder().setEventId(eventId).setUserId(userId).setTemplate(template)
                .setParams(params).setChannels(channels).setCreatedAt(createdAt).setRequestedBy(requestedBy).build();
    }

    /** A device: {@code {"platform": "ios"|"android", "token"}}. */
    static Device device(String deviceId, JsonNode body) {
        final List<FieldError> errors = new ArrayList<>();
        if (!Users.isValidId(deviceId)) {
            errors.add(new FieldError("/deviceId", "must be 1-128 characters without control characters"));
        }
        final String platform = JsonBodies.requiredText(body, "platform", errors);
        DevicePlatform parsed = null;
        if ("ios".equals(platform)) {
            parsed = DevicePlatform.IOS;
        } else if ("android".equals(platform)) {
            parsed = DevicePlatform.ANDROID;
        } else if (platform != null) {
            errors.add(new FieldError("/platform", "must be ios or android"));
        }
        final String token = JsonBodies.requiredText(body, "token", errors);
        if (token != null && (token.isBlank() || token.length() > MAX_TOKEN_LENGTH
                || token.chars().anyMatch(Character::isISOControl))) {
            errors.add(new FieldError("/token", "must be 1-" + MAX_TOKEN_LENGTH + " printable characters"));
        }
        requireNone(errors);
        return Device.newBuilder().setDeviceId(deviceId).setPlatform(parsed).setToken(token)
                .setUpdatedAt(Instant.EPOCH).build();
    }

    /** Contact points: {@code {"email", "phone"}}, each optional; absent or null clears it. */
    static String[] contact(JsonNode body) {
        final List<FieldError> errors = new ArrayList<>();
        final String email = optionalText(body, "email", errors);
        if (email != null && (email.length() > 254 || !EMAIL.matcher(email).matches())) {
            errors.add(new FieldError("/email", "must be an e-mail address"));
        }
        final String phone = optionalText(body, "phone", errors);
        if (phone != null && !PHONE.matcher(phone).matches()) {
            errors.add(new FieldError("/phone", "must be an E.164 number such as +14155550100"));
        }
        requireNone(errors);
        return new String[] {email, phone};
    }

    /** Settings: {@code {"channels": {...}, "templates": {"<name>": {...}}, "caps": {"<name>": "3/day"}}}. */
    static NotificationSettings settings(JsonNode body) {
        final List<FieldError> errors = new ArrayList<>();
        final Map<String, Boolean> channels = channelSwitches(body.get("channels"), "/channels", errors);
        final Map<String, Map<String, Boolean>> templates = new HashMap<>();
        forEachField(body.get("templates"), "/templates", errors, (name, value) -> {
            if (!TEMPLATE_NAME.matcher(name).matches()) {
                errors.add(new FieldError("/templates/" + name, "is not a template name"));
            }
            templates.put(name, channelSwitches(value, "/templates/" + name, errors));
        });
        final Map<String, String> caps = new HashMap<>();
        forEachField(body.get("caps"), "/caps", errors, (name, value) -> {
            if (!TEMPLATE_NAME.matcher(name).matches()) {
                errors.add(new FieldError("/caps/" + name, "is not a template name"));
            } else if (!value.isTextual() || FrequencyCap.parse(value.asText()).isEmpty()) {
                errors.add(new FieldError("/caps/" + name, "must be " + FrequencyCap.syntax()));
            } else {
                caps.put(name, value.asText().trim().toLowerCase(Locale.ROOT));
            }
        });
        requireNone(errors);
        return NotificationSettings.newBuilder().setChannels(channels).setTemplates(templates).setCaps(caps).build();
    }

    private static Map<String, Boolean> channelSwitches(JsonNode node, String pointer, List<FieldError> errors) {
        final Map<String, Boolean> switches = new HashMap<>();
        forEachField(node, pointer, errors, (name, value) -> {
            if (Channels.parse(name).isEmpty()) {
                errors.add(new FieldError(pointer + "/" + name, "is not a channel: use push, email, sms or inapp"));
            } else if (!value.isBoolean()) {
                errors.add(new FieldError(pointer + "/" + name, "must be true or false"));
            } else {
                switches.put(name, value.asBoolean());
            }
        });
        return switches;
    }

    private static void forEachField(JsonNode node, String pointer, List<FieldError> errors,
                                     java.util.function.BiConsumer<String, JsonNode> each) {
        if (node == null || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            errors.add(new FieldError(pointer, "must be an object"));
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            final Map.Entry<String, JsonNode> field = fields.next();
            each.accept(field.getKey(), field.getValue());
        }
    }

    private static Map<String, String> params(JsonNode node, List<FieldError> errors) {
        final Map<String, String> params = new HashMap<>();
        forEachField(node, "/params", errors, (name, value) -> {
            if (!value.isTextual()) {
                errors.add(new FieldError("/params/" + name, "must be a string"));
            } else if (value.asText().length() > MAX_PARAM_LENGTH) {
                errors.add(new FieldError("/params/" + name, "must be at most " + MAX_PARAM_LENGTH + " characters"));
            } else {
                params.put(name, value.asText());
            }
        });
        if (params.size() > MAX_PARAMS) {
            errors.add(new FieldError("/params", "at most " + MAX_PARAMS + " parameters"));
        }
        return params;
    }

    private static List<String> channels(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray() || node.isEmpty()) {
            errors.add(new FieldError("/channels", "must be a non-empty array of push, email, sms, inapp"));
            return null;
        }
        final List<String> channels = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            final String name = node.get(i).asText();
            if (!node.get(i).isTextual() || Channels.parse(name).isEmpty()) {
                errors.add(new FieldError("/channels/" + i, "must be push, email, sms or inapp"));
            } else if (!channels.contains(name)) {
                channels.add(name);
            }
        }
        return channels;
    }

    private static String optionalText(JsonNode body, String field, List<FieldError> errors) {
        final JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            errors.add(new FieldError("/" + field, "must be a string"));
            return null;
        }
        return value.asText().trim().isEmpty() ? null : value.asText().trim();
    }

    static void requireNone(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest("the request body is invalid", errors);
        }
    }
}
