package io.eventline.registry;

import static io.eventline.registry.RawHttp.schemaBody;
import static io.eventline.registry.Schemas.ORDER;
import static io.eventline.registry.Schemas.USER_REQUIRED_AGE;
import static io.eventline.registry.Schemas.USER_V1;
import static io.eventline.registry.Schemas.USER_V2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.registry.RawHttp.Reply;
import io.eventline.registry.client.CompatibilityLevel;
import io.eventline.registry.client.HttpSchemaRegistryClient;
import io.eventline.registry.client.RegisteredSchema;
import io.eventline.registry.client.SchemaRegistryException;
import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The HTTP API over a real socket, with the log held in memory. */
class SchemaRegistryApiTest {
    private final RegistryState state = new RegistryState();
    private final Javalin app = SchemaRegistryApi.create(
            new SchemaRegistryService(state, new InMemoryRegistryLog(state)));

    @Test
    void shouldRegisterAndFetchSchemasWithTheHttpClient() {
        JavalinTest.test(app, (server, unused) -> {
            // Given
            final HttpSchemaRegistryClient client = client(server);
            final Schema v1 = parse(USER_V1);
            final Schema v2 = parse(USER_V2);

            // When
            final int firstId = client.register("users-value", v1);
            final int secondId = client.register("users-value", v2);

            // Then
            assertThat(firstId).isEqualTo(1);
            assertThat(secondId).isEqualTo(2);
            assertThat(client.register("users-value", v1)).isEqualTo(firstId);
            assertThat(new HttpSchemaRegistryClient(client.baseUrl()).register("users-value", v1)).isEqualTo(1);
            assertThat(new HttpSchemaRegistryClient(client.baseUrl()).schemaById(secondId)).isEqualTo(v2);
            assertThat(client.latest("users-value")).isEqualTo(new RegisteredSchema("users-value", 2, 2, v2));
            assertThat(client.version("users-value", 1)).isEqualTo(new RegisteredSchema("users-value", 1, 1, v1));
            assertThat(client.lookup("users-value", v1).version()).isEqualTo(1);
            assertThat(client.versions("users-value")).containsExactly(1, 2);
            assertThat(client.subjects()).containsExactly("users-value");
        });
    }

    @Test
    void shouldShareIdsBetweenSubjects() {
        JavalinTest.test(app, (server, unused) -> {
            // Given
            final RawHttp http = raw(server);
            http.post("/subjects/orders-value/versions", schemaBody(ORDER));
            final Reply users = http.post("/subjects/users-value/versions", schemaBody(USER_V1));

            // When
            final Reply archive = http.post("/subjects/archive-value/versions", schemaBody(USER_V1));

            // Then
            assertThat(users.status()).isEqualTo(200);
            assertThat(users.contentType()).startsWith("application/vnd.schemaregistry.v1+json");
            assertThat(archive.body()).isEqualTo("{\"id\":2}");
            assertThat(users.body()).isEqualTo("{\"id\":2}");
            assertThat(http.get("/schemas/ids/2/versions").json().toString()).isEqualTo(
                    "[{\"subject\":\"archive-value\",\"version\":1},{\"subject\":\"users-value\",\"version\":1}]");
            assertThat(http.get("/schemas/ids/2").json().path("schema").asText()).isEqualTo(parse(USER_V1).toString());
            assertThat(parse(http.get("/schemas/ids/2/schema").body())).isEqualTo(parse(USER_V1));
        });
    }

    @Test
    void shouldAnswer409ForAnIncompatibleSchema() {
        JavalinTest.test(app, (server, unused) -> {
            // Given
            final RawHttp http = raw(server);
            http.post("/subjects/users-value/versions", schemaBody(USER_V1));

            // When
            final Reply refused = http.post("/subjects/users-value/versions", schemaBody(USER_REQUIRED_AGE));

            // Then
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.errorCode()).isEqualTo(409);
            assertThat(refused.json().path("message").asText()).contains("incompatible", "users-value");
            assertThatThrownBy(() -> client(server).register("users-value", parse(USER_REQUIRED_AGE)))
                    .isInstanceOfSatisfying(SchemaRegistryException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(409));
            assertThat(http.get("/subjects/users-value/versions").body()).isEqualTo("[1]");
        });
    }

    @Test
    void shouldLookUpASchemaUnderASubject() {
        JavalinTest.test(app, (server, unused) -> {
            // Given
            final RawHttp http = raw(server);
            http.post("/subjects/users-value/versions", schemaBody(USER_V1));
            http.post("/subjects/users-value/versions", schemaBody(USER_V2));

            // When
            final Reply found = http.post("/subjects/users-value", schemaBody(USER_V1));

            // Then
            assertThat(found.status()).isEqualTo(200);
            assertThat(found.json().path("subject").asText()).isEqualTo("users-value");
            assertThat(found.json().path("version").asInt()).isEqualTo(1);
            assertThat(found.json().path("id").asInt()).isEqualTo(1);
            assertThat(parse(found.json().path("schema").asText())).isEqualTo(parse(USER_V1));
            assertThat(http.post("/subjects/orders-value", schemaBody(ORDER)).errorCode()).isEqualTo(40401);
            final Reply missing = http.post("/subjects/users-value", schemaBody(ORDER));
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.errorCode()).isEqualTo(40403);
        });
    }

    @Test
    void shouldServeVersionsOfASubject() {
        JavalinTest.test(app, (server, unused) -> {
            // Given
            final RawHttp http = raw(server);
            http.post("/subjects/users-value/versions", schemaBody(USER_V1));
            http.post("/subjects/users-value/versions", schemaBody(USER_V2));

            // Then
            final Reply latest = http.get("/subjects/users-value/versions/latest");
            assertThat(latest.json().path("version").asInt()).isEqualTo(2);
            assertThat(latest.json().path("id").asInt()).isEqualTo(2);
            assertThat(http.get("/subjects/users-value/versions/-1").json()).isEqualTo(latest.json());
            assertThat(http.get("/subjects/users-value/versions/1").json().path("id").asInt()).isEqualTo(1);
            assertThat(parse(http.get("/subjects/users-value/versions/1/schema").body())).isEqualTo(parse(USER_V1));
            assertThat(http.get("/subjects/users-value/versions/3").errorCode()).isEqualTo(40402);
            assertThat(http.get("/subjects/nobody/versions/1").errorCode()).isEqualTo(40401);
            assertThat(http.get("/subjects/nobody/versions").errorCode()).isEqualTo(40401);
            final Reply invalid = http.get("/subjects/users-value/versions/first");
            assertThat(invalid.status()).isEqualTo(422);
            assertThat(invalid.errorCode()).isEqualTo(42202);
            assertThat(http.get("/subjects/users-value/versions/0").errorCode()).isEqualTo(42202);
            assertThat(http.get("/schemas/ids/9").errorCode()).isEqualTo(40403);
            assertThat(http.get("/schemas/ids/nine").errorCode()).isEqualTo(40403);
        });
    }

    @Test
    void shouldCheckCompatibilityWithoutRegistering() {
        JavalinTest.test(app, (server, unused) -> {
            // Given
            final RawHttp http = raw(server);
            http.post("/subjects/users-value/versions", schemaBody(USER_V1));

            // When
            final Reply incompatible = http.post("/compatibility/subjects/users-value/versions/latest?verbose=true",
                    schemaBody(USER_REQUIRED_AGE));
            final Reply compatible = http.post("/compatibility/subjects/users-value/versions/1",
                    schemaBody(USER_V2));

            // Then
            assertThat(incompatible.json().path("is_compatible").asBoolean(true)).isFalse();
            assertThat(incompatible.json().path("messages").get(0).asText()).contains("age");
            assertThat(compatible.body()).isEqualTo("{\"is_compatible\":true}");
            assertThat(http.post("/compatibility/subjects/users-value/versions", schemaBody(USER_V2)).body())
                    .isEqualTo("{\"is_compatible\":true}");
            assertThat(http.post("/compatibility/subjects/new-value/versions/latest", schemaBody(ORDER)).body())
                    .isEqualTo("{\"is_compatible\":true}");
            assertThat(http.post("/compatibility/subjects/new-value/versions/1", schemaBody(ORDER)).errorCode())
                    .isEqualTo(40401);
            assertThat(http.post("/compatibility/subjects/users-value/versions/2", schemaBody(ORDER)).errorCode())
                    .isEqualTo(40402);
            assertThat(client(server).isCompatible("users-value", parse(USER_REQUIRED_AGE))).isFalse();
            assertThat(http.get("/subjects/users-value/versions").body()).isEqualTo("[1]");
        });
    }

    @Test
    void shouldReadAndChangeCompatibilityLevels() {
        JavalinTest.test(app, (server, unused) -> {
            // Given
            final RawHttp http = raw(server);
            final HttpSchemaRegistryClient client = client(server);
            assertThat(http.get("/config").body()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");

            // When
            final Reply global = http.put("/config", "{\"compatibility\":\"FULL\"}");
            final Reply subject = http.put("/config/users-value", "{\"compatibility\":\"none\"}");

            // Then
            assertThat(global.body()).isEqualTo("{\"compatibility\":\"FULL\"}");
            assertThat(subject.body()).isEqualTo("{\"compatibility\":\"NONE\"}");
            assertThat(http.get("/config").body()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
            assertThat(http.get("/config/users-value").body()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
            final Reply unset = http.get("/config/orders-value");
            assertThat(unset.status()).isEqualTo(404);
            assertThat(unset.errorCode()).isEqualTo(40408);
            assertThat(http.get("/config/orders-value?defaultToGlobal=true").body())
                    .isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
            assertThat(client.compatibility("orders-value")).isEqualTo(CompatibilityLevel.FULL);
            final Reply invalid = http.put("/config", "{\"compatibility\":\"SIDEWAYS\"}");
            assertThat(invalid.status()).isEqualTo(422);
            assertThat(invalid.errorCode()).isEqualTo(42203);
            assertThat(http.put("/config/users-value", "{}").errorCode()).isEqualTo(42203);
            assertThat(http.delete("/config/users-value").body()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
            assertThat(http.get("/config/users-value").errorCode()).isEqualTo(40408);
            client.setCompatibility("users-value", CompatibilityLevel.FORWARD_TRANSITIVE);
            client.setGlobalCompatibility(CompatibilityLevel.BACKWARD);
            assertThat(client.compatibility("users-value")).isEqualTo(CompatibilityLevel.FORWARD_TRANSITIVE);
            assertThat(client.globalCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
        });
    }

    @Test
    void shouldAnswerBadInputWithClientErrors() {
        JavalinTest.test(app, (server, unused) -> {
            // Given
            final RawHttp http = raw(server);
            final String path = "/subjects/users-value/versions";

            // Then
            assertThat(http.post(path, "{\"schema\":").status()).isEqualTo(400);
            assertThat(http.post(path, "{\"schema\":").errorCode()).isEqualTo(400);
            assertThat(http.post(path, "[]").status()).isEqualTo(400);
            assertThat(http.post(path, "").status()).isEqualTo(400);
            assertThat(http.post(path, "{}").errorCode()).isEqualTo(42201);
            assertThat(http.post(path, "{\"schema\":{\"type\":\"string\"}}").errorCode()).isEqualTo(42201);
            assertThat(http.post(path, schemaBody("{\"type\":\"record\",\"name\":\"X\"}")).errorCode())
                    .isEqualTo(42201);
            assertThat(http.post(path, schemaBody("{\"type\":\"nope\"}")).status()).isEqualTo(422);
            assertThat(http.post(path, "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}")
                    .errorCode()).isEqualTo(42201);
            assertThat(http.post(path, "{\"schema\":\"\\\"string\\\"\",\"references\":[{\"name\":\"a\"}]}")
                    .errorCode()).isEqualTo(42201);
            assertThat(http.put("/config", "not json").status()).isEqualTo(400);
            final Reply unknown = http.get("/no/such/thing");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.errorCode()).isEqualTo(404);
            assertThat(http.get("/subjects").body()).isEqualTo("[]");
        });
    }

    @Test
    void shouldTakeSchemasSentAsJsonOrOctetStreamOrUntyped() {
        JavalinTest.test(app, (server, unused) -> {
            // Given
            final RawHttp http = raw(server);
            final String path = "/subjects/users-value/versions";

            // When
            final Reply json = http.send("POST", path, schemaBody(USER_V1), "application/json");
            final Reply octets = http.send("POST", path, "{\"schemaType\":\"AVRO\",\"schema\":"
                    + new ObjectMapper().writeValueAsString(USER_V2) + "}", "application/octet-stream");
            final Reply untyped = http.send("POST", "/subjects/orders-value/versions", schemaBody(ORDER), null);

            // Then
            assertThat(json.body()).isEqualTo("{\"id\":1}");
            assertThat(octets.body()).isEqualTo("{\"id\":2}");
            assertThat(untyped.body()).isEqualTo("{\"id\":3}");
        });
    }

    @Test
    void shouldSoftDeleteASubjectWithoutReusingItsVersions() {
        JavalinTest.test(app, (server, unused) -> {
            // Given
            final RawHttp http = raw(server);
            http.post("/subjects/users-value/versions", schemaBody(USER_V1));
            http.post("/subjects/users-value/versions", schemaBody(USER_V2));

            // When
            final Reply deleted = http.delete("/subjects/users-value");

            // Then
            assertThat(deleted.body()).isEqualTo("[1,2]");
            assertThat(http.get("/subjects").body()).isEqualTo("[]");
            assertThat(http.get("/subjects/users-value/versions").errorCode()).isEqualTo(40401);
            assertThat(http.delete("/subjects/users-value").errorCode()).isEqualTo(40401);
            assertThat(http.get("/schemas/ids/1").status()).isEqualTo(200);
            assertThat(http.post("/subjects/users-value/versions", schemaBody(ORDER)).body()).isEqualTo("{\"id\":3}");
            assertThat(http.get("/subjects/users-value/versions").body()).isEqualTo("[3]");
        });
    }

    @Test
    void shouldEscapeSubjectNamesInTheClient() {
        JavalinTest.test(app, (server, unused) -> {
            // Given
            final HttpSchemaRegistryClient client = client(server);

            // When
            final int id = client.register("orders value+ü", parse(ORDER));

            // Then
            assertThat(client.subjects()).containsExactly("orders value+ü");
            assertThat(client.latest("orders value+ü").id()).isEqualTo(id);
        });
    }

    private static HttpSchemaRegistryClient client(Javalin server) {
        return new HttpSchemaRegistryClient("http://localhost:" + server.port());
    }

    private static RawHttp raw(Javalin server) {
        return new RawHttp("http://localhost:" + server.port());
    }

    private static Schema parse(String schema) {
        return new Schema.Parser().parse(schema);
    }
}
