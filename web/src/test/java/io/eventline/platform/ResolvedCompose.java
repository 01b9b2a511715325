package io.eventline.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compose file as {@code docker-compose config} resolves it (anchors merged, variables filled in, relative
 * paths made absolute): what Docker would be given, read without a Docker engine.
 */
final class ResolvedCompose {
    /** A mount of a service: a host path ({@code bind}) or a named volume. */
    record Mount(boolean bind, String source, String target) {
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final JsonNode root;

    private ResolvedCompose(JsonNode root) {
        this.root = root;
    }

    /** Runs {@code docker-compose -f file config} with {@code env}; fails the test if it does not accept the file. */
    static ResolvedCompose of(Path file, Map<String, String> env) throws IOException, InterruptedException {
        final ToolRun config = ToolRun.of(file.getParent(), env,
                List.of("docker-compose", "-f", file.toString(), "config"));
        if (config.exitCode() != 0) {
            throw new AssertionError("docker-compose config failed: " + config.output());
        }
        return new ResolvedCompose(YAML.readTree(config.output()));
    }

    List<String> services() {
        final List<String> names = new ArrayList<>();
        root.path("services").fieldNames().forEachRemaining(names::add);
        return names;
    }

    JsonNode service(String name) {
        return root.path("services").path(name);
    }

    /** The services built from {@code dockerfile} (a path relative to the build context). */
    List<String> builtFrom(String dockerfile) {
        return services().stream()
                .filter(name -> service(name).path("build").path("dockerfile").asText().equals(dockerfile)).toList();
    }

    /** The services that run {@code image} at any tag. */
    List<String> running(String image) {
        return services().stream().filter(name -> service(name).path("image").asText().startsWith(image + ":"))
                .toList();
    }

    Map<String, String> environment(String service) {
        final Map<String, String> env = new LinkedHashMap<>();
        service(service).path("environment").fields()
                .forEachRemaining(entry -> env.put(entry.getKey(), entry.getValue().asText()));
        return env;
    }

    List<Mount> mounts(String service) {
        final List<Mount> mounts = new ArrayList<>();
        for (JsonNode volume : service(service).path("volumes")) {
            if (volume.isTextual()) {
                final String[] parts = volume.asText().split(":");
                mounts.add(new Mount(parts[0].startsWith("/"), parts[0], parts[1]));
            } else {
                mounts.add(new Mount(volume.path("type").asText().equals("bind"), volume.path("source").asText(),
                        volume.path("target").asText()));
            }
        }
        return mounts;
    }

    /** The host ports a service publishes, by container port. */
    Map<Integer, Integer> publishedPorts(String service) {
        final Map<Integer, Integer> ports = new LinkedHashMap<>();
        for (JsonNode port : service(service).path("ports")) {
            if (port.isTextual()) {
                final String[] parts = port.asText().replaceAll("/\\w+$", "").split(":");
                ports.put(Integer.parseInt(parts[parts.length - 1]), Integer.parseInt(parts[parts.length - 2]));
            } else {
                ports.put(port.path("target").asInt(), port.path("published").asInt());
            }
        }
        return ports;
    }

    /** The services {@code service} waits for, with the condition it waits for. */
    Map<String, String> dependsOn(String service) {
        final Map<String, String> conditions = new LinkedHashMap<>();
        final JsonNode dependsOn = service(service).path("depends_on");
        if (dependsOn.isArray()) {
            dependsOn.forEach(name -> conditions.put(name.asText(), "service_started"));
        } else {
            dependsOn.fields().forEachRemaining(entry -> conditions.put(entry.getKey(),
                    entry.getValue().path("condition").asText("service_started")));
        }
        return conditions;
    }

    /** Whether {@code service} declares a healthcheck command of its own. */
    boolean hasHealthcheck(String service) {
        return service(service).path("healthcheck").path("test").size() > 1;
    }
}
