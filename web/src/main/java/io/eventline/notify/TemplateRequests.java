package io.eventline.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.http.ProblemException.FieldError;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Templates as admins write and read them: {@code {"push": {"title", "body"}, "email": {...}, ...}}. */
final class TemplateRequests {
    private static final int MAX_PART_LENGTH = 100_000;
    private static final Set<String> CHANNELS = Set.of("push", "email", "sms", "inapp");

    private TemplateRequests() {
    }

    static NotificationTemplate parse(String name, JsonNode body, long version, Instant now, String updatedBy) {
        final List<FieldError> errors = new ArrayList<>();
        body.fieldNames().forEachRemaining(field -> {
            if (!CHANNELS.contains(field) && !"name".equals(field) && !"version".equals(field)) {
                errors.add(new FieldError("/" + field, "is not a channel: use push, email, sms or inapp"));
            }
        });
        final JsonNode push = channel(body, "push", errors);
        final JsonNode email = channel(body, "email", errors);
        final JsonNode sms = channel(body, "sms", errors);
        final JsonNode inapp = channel(body, "inapp", errors);
        final NotificationTemplate.Builder template = NotificationTemplate.newBuilder().setName(name)
                .setVersion(version).setUpdatedAt(now).setUpdatedBy(updatedBy);
        template.setPush(push == null ? null
                : new PushTemplate(part(push, "push", "title", true, errors), part(push, "push", "body", true, errors)));
        template.setEmail(email == null ? null : new EmailTemplate(part(email, "email", "subject", true, errors),
                part(email, "email", "body", true, errors), part(email, "email", "html", false, errors)));
        template.setSms(sms == null ? null : new SmsTemplate(part(sms, "sms", "text", true, errors)));
        template.setInapp(inapp == null ? null : new InAppTemplate(part(inapp, "inapp", "title", true, errors),
                part(inapp, "inapp", "body", true, errors)));
        if (errors.isEmpty() && push == null && email == null && sms == null && inapp == null) {
            errors.add(new FieldError("", "a template needs a body for at least one of push, email, sms, inapp"));
        }
        NotifyRequests.requireNone(errors);
        return template.build();
    }

    static ObjectNode render(NotificationTemplate template, ObjectMapper json) {
        final ObjectNode node = json.createObjectNode();
        node.put("name", template.getName());
        node.put("version", template.getVersion());
        node.put("updatedAt", template.getUpdatedAt().toString());
        node.put("updatedBy", template.getUpdatedBy());
        if (template.getPush() != null) {
            node.putObject("push").put("title", template.getPush().getTitle())
                    .put("body", template.getPush().getBody());
        }
        if (template.getEmail() != null) {
            final ObjectNode email = node.putObject("email").put("subject", template.getEmail().getSubject())
                    .put("body", template.getEmail().getBody());
            if (template.getEmail().getHtml() != null) {
                email.put("html", template.getEmail().getHtml());
            }
        }
        if (template.getSms() != null) {
            node.putObject("sms").put("text", template.getSms().getText());
        }
        if (template.getInapp() != null) {
            node.putObject("inapp").put("title", template.getInapp().getTitle())
                    .put("body", template.getInapp().getBody());
        }
        return node;
    }

    private static JsonNode channel(JsonNode body, String name, List<FieldError> errors) {
        final JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            errors.add(new FieldError("/" + name, "must be an object"));
            return null;
        }
        return node;
    }

    private static String part(JsonNode channel, String channelName, String field, boolean required,
                               List<FieldError> errors) {
        final String pointer = "/" + channelName + "/" + field;
        final JsonNode value = channel.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                errors.add(new FieldError(pointer, "is required"));
            }
            return required ? "" : null;
        }
        if (!value.isTextual() || value.asText().isBlank() || value.asText().length() > MAX_PART_LENGTH) {
            errors.add(new FieldError(pointer, "must be a non-blank string of at most " + MAX_PART_LENGTH
                    + " characters"));
            return "";
        }
        try {
            TemplateRenderer.validate(channelName + "." + field, value.asText());
        } catch (TemplateRenderer.InvalidTemplateException e) {
            errors.add(new FieldError(pointer, "is not a valid template: " + e.getMessage()));
        }
        return value.asText();
    }
}
