package io.eventline.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.registry.RegistryState.RegisteredVersion;
import io.eventline.registry.RegistryState.SubjectVersionRef;
import io.eventline.registry.client.CompatibilityLevel;
import io.eventline.registry.client.HttpSchemaRegistryClient;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.Header;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Confluent Schema Registry REST API over a {@link SchemaRegistryService}, for Avro schemas. Answers in
 * {@code application/vnd.schemaregistry.v1+json}; takes request bodies as JSON whatever their declared type.
 * Every refusal is a Confluent error body, {@code {"error_code":..,"message":..}}.
 *
 * <p>Reads are open, as in Confluent's default. Writes (registering, deleting, setting levels) need the
 * registry's credentials, sent with HTTP Basic authentication, else 401. Looking a schema up and checking
 * compatibility are POSTs that change nothing, and stay open: serializers that do not register look schemas up.
 */
final class SchemaRegistryApi {
    static final String CONTENT_TYPE = HttpSchemaRegistryClient.CONTENT_TYPE;
    static final String REALM = "eventline-schema-registry";
    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryApi.class);
    private static final int BAD_REQUEST = 400;

    private final SchemaRegistryService service;
    private final RegistryCredentials credentials;
    private final ObjectMapper json;

    SchemaRegistryApi(SchemaRegistryService service, RegistryCredentials credentials, ObjectMapper json) {
        this.service = service;
        this.credentials = credentials;
        this.json = json;
    }

    /** An unstarted Javalin app serving the registry API, whose writes take {@code credentials}. */
    static Javalin create(SchemaRegistryService service, RegistryCredentials credentials, ObjectMapper json) {
        final SchemaRegistryApi api = new SchemaRegistryApi(service, credentials, json);
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            api.addRoutes(config.routes);
        });
    }

    void addRoutes(RoutesConfig routes) {
        routes.get("/", ctx -> respond(ctx, json.createObjectNode()));
        routes.get("/schemas/types", ctx -> respond(ctx, json.createArrayNode().add("AVRO")));
        routes.get("/schemas/ids/{id}", this::schemaById);
        routes.get("/schemas/ids/{id}/schema", this::rawSchemaById);
        routes.get("/schemas/ids/{id}/versions", this::versionsOfId);
        routes.get("/subjects", this::subjects);
        routes.post("/subjects/{subject}", this::lookup);
        routes.delete("/subjects/{subject}", write(this::deleteSubject));
        routes.get("/subjects/{subject}/versions", this::versions);
        routes.post("/subjects/{subject}/versions", write(this::register));
        routes.get("/subjects/{subject}/versions/{version}", this::version);
        routes.get("/subjects/{subject}/versions/{version}/schema", this::rawSchemaOfVersion);
        routes.post("/compatibility/subjects/{subject}/versions", this::checkCompatibility);
        routes.post("/compatibility/subjects/{subject}/versions/{version}", this::checkCompatibility);
        routes.get("/config", this::globalConfig);
        routes.put("/config", write(this::updateGlobalConfig));
        routes.get("/config/{subject}", this::subjectConfig);
        routes.put("/config/{subject}", write(this::updateSubjectConfig));
        routes.delete("/config/{subject}", write(this::deleteSubjectConfig));

        routes.exception(RegistryException.class, this::registryError);
        routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), e.getStatus(),
                e.getMessage()));
        routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, 500, 500, "Internal server error");
        });
    }

    /** {@code handler}, for requests that carry the registry's credentials. */
    private Handler write(Handler handler) {
        return ctx -> {
            if (!credentials.accepts(ctx.header(Header.AUTHORIZATION))) {
                throw RegistryException.unauthorized();
            }
            handler.handle(ctx);
        };
    }

    private void register(Context ctx) {
        final RegisteredVersion registered = service.register(ctx.pathParam("subject"), schemaOf(body(ctx)));
        respond(ctx, json.createObjectNode().put("id", registered.id()));
    }

    private void lookup(Context ctx) {
        respond(ctx, versionBody(service.lookup(ctx.pathParam("subject"), schemaOf(body(ctx)))));
    }

    private void schemaById(Context ctx) {
        respond(ctx, json.createObjectNode().put("schema", service.schema(id(ctx))));
    }

    private void rawSchemaById(Context ctx) {
        respondRaw(ctx, service.schema(id(ctx)));
    }

    private void versionsOfId(Context ctx) {
        final ArrayNode refs = json.createArrayNode();
        for (SubjectVersionRef ref : service.subjectVersionsOf(id(ctx))) {
            refs.addObject().put("subject", ref.subject()).put("version", ref.version());
        }
        respond(ctx, refs);
    }

    private void subjects(Context ctx) {
        final ArrayNode subjects = json.createArrayNode();
        service.subjects().forEach(subjects::add);
        respond(ctx, subjects);
    }

    private void versions(Context ctx) {
        final ArrayNode versions = json.createArrayNode();
        service.versions(ctx.pathParam("subject")).forEach(versions::add);
        respond(ctx, versions);
    }

    private void version(Context ctx) {
        respond(ctx, versionBody(service.version(ctx.pathParam("subject"), version(ctx.pathParam("version")))));
    }

    private void rawSchemaOfVersion(Context ctx) {
        respondRaw(ctx, service.version(ctx.pathParam("subject"), version(ctx.pathParam("version"))).schema());
    }

    private void deleteSubject(Context ctx) {
        final ArrayNode versions = json.createArrayNode();
        service.deleteSubject(ctx.pathParam("subject")).forEach(versions::add);
        respond(ctx, versions);
    }

    private void checkCompatibility(Context ctx) {
        final String versionParam = ctx.pathParamMap().get("version");
        final int version = versionParam == null ? RegistryState.LATEST : version(versionParam);
        final String subject = ctx.pathParam("subject");
        final ParsedSchema schema = schemaOf(body(ctx));
        final List<String> incompatibilities = service.incompatibilities(subject, schema, version);
        final ObjectNode result = json.createObjectNode().put("is_compatible", incompatibilities.isEmpty());
        if ("true".equalsIgnoreCase(ctx.queryParam("verbose"))) {
            final ArrayNode messages = result.putArray("messages");
            incompatibilities.forEach(messages::add);
        }
        respond(ctx, result);
    }

    private void globalConfig(Context ctx) {
        respond(ctx, json.createObjectNode().put("compatibilityLevel", service.globalLevel().name()));
    }

    private void updateGlobalConfig(Context ctx) {
        final CompatibilityLevel level = levelOf(body(ctx));
        service.setGlobalLevel(level);
        respond(ctx, json.createObjectNode().put("compatibility", level.name()));
    }

    private void subjectConfig(Context ctx) {
        final boolean defaultToGlobal = "true".equalsIgnoreCase(ctx.queryParam("defaultToGlobal"));
        final CompatibilityLevel level = service.subjectLevel(ctx.pathParam("subject"), defaultToGlobal);
        respond(ctx, json.createObjectNode().put("compatibilityLevel", level.name()));
    }

    private void updateSubjectConfig(Context ctx) {
        final CompatibilityLevel level = levelOf(body(ctx));
        service.setSubjectLevel(ctx.pathParam("subject"), level);
        respond(ctx, json.createObjectNode().put("compatibility", level.name()));
    }

    private void deleteSubjectConfig(Context ctx) {
        final CompatibilityLevel removed = service.clearSubjectLevel(ctx.pathParam("subject"));
        respond(ctx, json.createObjectNode().put("compatibilityLevel", removed.name()));
    }

    private JsonNode body(Context ctx) {
        final JsonNode body;
        try {
            body = json.readTree(ctx.bodyAsBytes());
        } catch (JsonProcessingException e) {
            throw new RegistryException(BAD_REQUEST, BAD_REQUEST, "Malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RegistryException(BAD_REQUEST, BAD_REQUEST, "Unreadable request body: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            throw new RegistryException(BAD_REQUEST, BAD_REQUEST, "The request body must be a JSON object");
        }
        return body;
    }

    private static ParsedSchema schemaOf(JsonNode body) {
        final JsonNode type = body.path("schemaType");
        if (!type.isMissingNode() && !type.isNull() && !"AVRO".equalsIgnoreCase(type.asText())) {
            throw RegistryException.invalidSchema("schema type " + type + " is not supported; only AVRO is");
        }
        final JsonNode references = body.path("references");
        if (references.isArray() && !references.isEmpty()) {
            throw RegistryException.invalidSchema("schema references are not supported");
        }
        final JsonNode schema = body.path("schema");
        if (!schema.isTextual()) {
            throw RegistryException.invalidSchema(schema.isMissingNode() || schema.isNull()
                    ? "empty schema"
                    : "\"schema\" must be a string holding the schema's JSON");
        }
        return ParsedSchema.parse(schema.asText());
    }

    private static CompatibilityLevel levelOf(JsonNode body) {
        final JsonNode level = body.path("compatibility");
        return CompatibilityLevel.parse(level.isTextual() ? level.asText() : null)
                .orElseThrow(RegistryException::invalidCompatibilityLevel);
    }

    private static int id(Context ctx) {
        final String text = ctx.pathParam("id");
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new RegistryException(404, RegistryException.SCHEMA_NOT_FOUND, "Schema " + text + " not found");
        }
    }

    /** A version path segment: 1..2^31-1, or "latest" (also spelled -1). */
    static int version(String text) {
        if ("latest".equals(text.toLowerCase(Locale.ROOT))) {
            return RegistryState.LATEST;
        }
        try {
            final int version = Integer.parseInt(text);
            if (version >= 1 || version == RegistryState.LATEST) {
                return version;
            }
        } catch (NumberFormatException e) {
            // falls through to the API's own invalid-version answer
        }
        throw RegistryException.invalidVersion(text);
    }

    private ObjectNode versionBody(RegisteredVersion version) {
        return json.createObjectNode()
                .put("subject", version.subject())
                .put("version", version.version())
                .put("id", version.id())
                .put("schema", version.schema());
    }

    private void registryError(RegistryException e, Context ctx) {
        if (e.status() >= 500) {
            LOG.error("{} {} failed: {}", ctx.method(), ctx.path(), e.getMessage(), e.getCause());
        }
        if (e.status() == 401) {
            ctx.header(Header.WWW_AUTHENTICATE, "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
        }
        error(ctx, e.status(), e.errorCode(), e.getMessage());
    }

    private void error(Context ctx, int status, int errorCode, String message) {
        ctx.status(status);
        respond(ctx, json.createObjectNode().put("error_code", errorCode).put("message", message));
    }

    private void respond(Context ctx, JsonNode body) {
        respondRaw(ctx, body.toString());
    }

    private static void respondRaw(Context ctx, String body) {
        // as bytes: for a media type without a charset parameter Jetty would encode a String as ISO-8859-1
        ctx.contentType(CONTENT_TYPE).result(body.getBytes(StandardCharsets.UTF_8));
    }
}
