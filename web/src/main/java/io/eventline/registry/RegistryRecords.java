package io.eventline.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.registry.RegistryCommand.DeleteSubject;
import io.eventline.registry.RegistryCommand.Register;
import io.eventline.registry.RegistryCommand.SetCompatibility;
import io.eventline.registry.client.CompatibilityLevel;
import java.io.IOException;
import java.util.Optional;

/**
 * The JSON records of the registry's log. A key names the command type and the proposal that wrote it, a
 * value holds the command; both are readable with any console consumer.
 */
final class RegistryRecords {
    private static final String REGISTER = "REGISTER";
    private static final String SET_COMPATIBILITY = "SET_COMPATIBILITY";
    private static final String DELETE_SUBJECT = "DELETE_SUBJECT";

    private final ObjectMapper json;

    RegistryRecords(ObjectMapper json) {
        this.json = json;
    }

    byte[] key(String proposal, RegistryCommand command) {
        final ObjectNode key = json.createObjectNode();
        key.put("type", type(command));
        key.put("proposal", proposal);
        return bytes(key);
    }

    byte[] value(RegistryCommand command) {
        final ObjectNode value = json.createObjectNode();
        value.put("type", type(command));
        if (command instanceof Register register) {
            value.put("subject", register.subject());
            value.put("schema", register.schema());
        } else if (command instanceof SetCompatibility change) {
            value.put("subject", change.subject());
            value.put("compatibility", change.level() == null ? null : change.level().name());
        } else if (command instanceof DeleteSubject delete) {
            value.put("subject", delete.subject());
        }
        return bytes(value);
    }

    /** The proposal that wrote this key, if the key is one of ours. */
    Optional<String> proposal(byte[] key) {
        return read(key).map(node -> node.path("proposal").asText(null));
    }

    /** The command in this value; empty for a tombstone or anything this version does not understand. */
    Optional<RegistryCommand> command(byte[] value) {
        return read(value).flatMap(this::command);
    }

    private Optional<RegistryCommand> command(JsonNode node) {
        final String subject = node.path("subject").isTextual() ? node.path("subject").asText() : null;
        switch (node.path("type").asText("")) {
            case REGISTER:
                if (subject == null || !node.path("schema").isTextual()) {
                    return Optional.empty();
                }
                return Optional.of(new Register(subject, node.path("schema").asText()));
            case SET_COMPATIBILITY:
                final JsonNode level = node.path("compatibility");
                if (level.isNull() || level.isMissingNode()) {
                    return Optional.of(new SetCompatibility(subject, null));
                }
                return CompatibilityLevel.parse(level.asText()).map(l -> new SetCompatibility(subject, l));
            case DELETE_SUBJECT:
                return subject == null ? Optional.empty() : Optional.of(new DeleteSubject(subject));
            default:
                return Optional.empty();
        }
    }

    private static String type(RegistryCommand command) {
        if (command instanceof Register) {
            return REGISTER;
        }
        if (command instanceof SetCompatibility) {
            return SET_COMPATIBILITY;
        }
        return DELETE_SUBJECT;
    }

    private Optional<JsonNode> read(byte[] bytes) {
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            final JsonNode node = json.readTree(bytes);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private byte[] bytes(ObjectNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + node, e);
        }
    }
}
