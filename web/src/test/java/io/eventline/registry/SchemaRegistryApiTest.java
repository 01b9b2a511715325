package io.eventline.registry;

import static io.eventline.registry.RawHttp.schemaBody;
import static io.eventline.registry.Schemas.ORDER;
import static io.eventline.registry.Schemas.USER_NO_NAME;
import static io.eventline.registry.Schemas.USER_REQUIRED_AGE;
import static io.eventline.registry.Schemas.USER_V1;
import static io.eventline.registry.Schemas.USER_V2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.serde.Json;
import io.eventline.registry.RawHttp.Reply;
import io.eventline.registry.client.CompatibilityLevel;
import io.eventline.registry.client.HttpSchemaRegistryClient;
import io.eventline.registry.client.RegisteredSchema;
import io.eventline.registry.client.SchemaRegistryException;
import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The HTTP API over a real socket, with the log held in memory. */
class SchemaRegistryApiTest {
    static final String USER_INFO = "registry-admin:correct horse:battery staple";
    private static final SubjectRules NO_RULES = new SubjectRules(Set.of(), 1_000, 100);

    private final RegistryState state = new RegistryState();
    private final InMemoryRegistryLog log = new InMemoryRegistryLog(state);
    private final Javalin app = app(NO_RULES);

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
            assertThat(client(server).register("users-value", v1)).isEqualTo(1);
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

    @Test
    void shouldRefuseWritesWithoutTheRegistryCredentials() {
        JavalinTest.test(app, (server, unused) -> {
            // Given callers without credentials, with a wrong password, another scheme, or garbled credentials
            final RawHttp owner = raw(server);
            owner.post("/subjects/users-value/versions", schemaBody(USER_V1));
            owner.put("/config/users-value", "{\"compatibility\":\"FULL\"}");
            final int appliedBefore = log.commands().size();
            final List<RawHttp> strangers = List.of(anonymous(server),
                    anonymous(server).withAuthorization(basic("registry-admin:guess")),
                    anonymous(server).withAuthorization(basic("registry-admin:correct horse:battery stapl")),
                    anonymous(server).withAuthorization(basic("someone:correct horse:battery staple")),
                    anonymous(server).withAuthorization("Bearer " + USER_INFO),
                    anonymous(server).withAuthorization("Basic not-base64!"));

            for (RawHttp stranger : strangers) {
                // When every kind of write is tried
                final List<Reply> replies = List.of(
                        stranger.post("/subjects/users-value/versions", schemaBody(USER_V2)),
                        stranger.post("/subjects/orders-value/versions", schemaBody(ORDER)),
                        stranger.delete("/subjects/users-value"),
                        stranger.put("/config", "{\"compatibility\":\"NONE\"}"),
                        stranger.put("/config/users-value", "{\"compatibility\":\"NONE\"}"),
                        stranger.delete("/config/users-value"));

                // Then each is refused as Confluent's clients expect, and nothing reaches the log
                assertThat(replies).allSatisfy(reply -> {
                    assertThat(reply.status()).as(reply.body()).isEqualTo(401);
                    assertThat(reply.errorCode()).isEqualTo(401);
                    assertThat(reply.wwwAuthenticate()).startsWith("Basic realm=\"eventline-schema-registry\"");
                });
            }
            assertThat(log.commands()).hasSize(appliedBefore);
            assertThat(owner.get("/subjects").body()).isEqualTo("[\"users-value\"]");
            assertThat(owner.get("/subjects/users-value/versions").body()).isEqualTo("[1]");
            assertThat(owner.get("/config/users-value").body()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");

            // And the same writes with the credentials, the scheme's name in any case, go through
            final RawHttp lowerCase = anonymous(server).withAuthorization(basic(USER_INFO).replace("Basic", "basic"));
            assertThat(lowerCase.post("/subjects/users-value/versions", schemaBody(USER_V2)).body())
                    .isEqualTo("{\"id\":2}");
            assertThat(owner.post("/subjects/orders-value/versions", schemaBody(ORDER)).status()).isEqualTo(200);
            assertThat(owner.put("/config/users-value", "{\"compatibility\":\"NONE\"}").status()).isEqualTo(200);
            assertThat(owner.delete("/config/users-value").status()).isEqualTo(200);
            assertThat(owner.put("/config", "{\"compatibility\":\"FULL\"}").status()).isEqualTo(200);
            assertThat(owner.delete("/subjects/users-value").body()).isEqualTo("[1,2]");
        });
    }

    @Test
    void shouldKeepReadsLookupsAndCompatibilityChecksOpen() {
        JavalinTest.test(app, (server, unused) -> {
            // Given a schema registered with the credentials
            raw(server).post("/subjects/users-value/versions", schemaBody(USER_V1));
            final RawHttp anyone = anonymous(server);

            // Then anyone reads, looks up and checks, as in Confluent's default
            assertThat(anyone.get("/subjects").body()).isEqualTo("[\"users-value\"]");
            assertThat(anyone.get("/subjects/users-value/versions").body()).isEqualTo("[1]");
            assertThat(anyone.get("/subjects/users-value/versions/latest").status()).isEqualTo(200);
            assertThat(anyone.get("/schemas/ids/1").status()).isEqualTo(200);
            assertThat(anyone.get("/schemas/ids/1/versions").status()).isEqualTo(200);
            assertThat(anyone.get("/schemas/types").status()).isEqualTo(200);
            assertThat(anyone.get("/config").status()).isEqualTo(200);
            assertThat(anyone.post("/subjects/users-value", schemaBody(USER_V1)).status()).isEqualTo(200);
            assertThat(anyone.post("/compatibility/subjects/users-value/versions/latest", schemaBody(USER_V2))
                    .body()).isEqualTo("{\"is_compatible\":true}");
            final HttpSchemaRegistryClient reader = new HttpSchemaRegistryClient("http://localhost:" + server.port());
            assertThat(reader.schemaById(1)).isEqualTo(parse(USER_V1));
            assertThat(reader.lookup("users-value", parse(USER_V1)).id()).isEqualTo(1);
        });
    }

    @Test
    void shouldSendTheCredentialsFromTheClientAndBeRefusedWithoutThem() {
        JavalinTest.test(app, (server, unused) -> {
            // Given
            final String url = "http://localhost:" + server.port();
            final HttpSchemaRegistryClient withCredentials = new HttpSchemaRegistryClient(url, Optional.of(USER_INFO));
            final HttpSchemaRegistryClient without = new HttpSchemaRegistryClient(url);
            final HttpSchemaRegistryClient wrong = new HttpSchemaRegistryClient(url,
                    Optional.of("registry-admin:wrong"));

            // When
            final int id = withCredentials.register("users-value", parse(USER_V1));
            withCredentials.setCompatibility("users-value", CompatibilityLevel.FULL);

            // Then
            assertThat(id).isEqualTo(1);
            assertThat(without.compatibility("users-value")).isEqualTo(CompatibilityLevel.FULL);
            for (HttpSchemaRegistryClient refused : List.of(without, wrong)) {
                assertThatThrownBy(() -> refused.register("orders-value", parse(ORDER)))
                        .isInstanceOfSatisfying(SchemaRegistryException.class,
                                e -> assertThat(e.errorCode()).isEqualTo(401));
                assertThatThrownBy(() -> refused.setGlobalCompatibility(CompatibilityLevel.NONE))
                        .isInstanceOfSatisfying(SchemaRegistryException.class,
                                e -> assertThat(e.errorCode()).isEqualTo(401));
            }
            assertThat(without.subjects()).containsExactly("users-value");
        });
    }

    @Test
    void shouldRefuseDeletingOrWeakeningAProtectedSubject() {
        JavalinTest.test(app(new SubjectRules(Set.of("orders.v1-value", "orders.v1-key"), 1_000, 100)),
                (server, unused) -> {
            // Given a protected subject and another one, both registered
            final RawHttp http = raw(server);
            http.post("/subjects/orders.v1-value/versions", schemaBody(ORDER));
            http.post("/subjects/users-value/versions", schemaBody(USER_V1));

            // When
            final Reply delete = http.delete("/subjects/orders.v1-value");
            final Reply none = http.put("/config/orders.v1-value", "{\"compatibility\":\"NONE\"}");
            final Reply forward = http.put("/config/orders.v1-value", "{\"compatibility\":\"FORWARD\"}");
            final Reply globalNone = http.put("/config", "{\"compatibility\":\"NONE\"}");

            // Then each is refused with 409, and the subject keeps its versions and level
            assertThat(List.of(delete, none, forward, globalNone)).allSatisfy(reply -> {
                assertThat(reply.status()).as(reply.body()).isEqualTo(409);
                assertThat(reply.errorCode()).isEqualTo(40901);
            });
            assertThat(delete.json().path("message").asText()).contains("orders.v1-value", "deleted");
            assertThat(none.json().path("message").asText()).contains("NONE");
            assertThat(http.get("/subjects/orders.v1-value/versions").body()).isEqualTo("[1]");
            assertThat(http.get("/config/orders.v1-value?defaultToGlobal=true").body())
                    .isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");

            // And levels that keep backward compatibility are taken, other subjects are free
            assertThat(http.put("/config/orders.v1-value", "{\"compatibility\":\"FULL_TRANSITIVE\"}").status())
                    .isEqualTo(200);
            assertThat(http.put("/config/users-value", "{\"compatibility\":\"NONE\"}").status()).isEqualTo(200);
            assertThat(http.delete("/subjects/users-value").status()).isEqualTo(200);
            // the global level is free once every protected subject has a level of its own
            assertThat(http.put("/config/orders.v1-key", "{\"compatibility\":\"BACKWARD\"}").status())
                    .isEqualTo(200);
            assertThat(http.put("/config", "{\"compatibility\":\"NONE\"}").status()).isEqualTo(200);
            // and then a protected subject cannot drop its own level to take the global NONE
            final Reply clear = http.delete("/config/orders.v1-value");
            assertThat(clear.status()).isEqualTo(409);
            assertThat(clear.errorCode()).isEqualTo(40901);
            assertThat(http.get("/config/orders.v1-value").body())
                    .isEqualTo("{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}");
        });
    }

    @Test
    void shouldCapSubjectsAndVersionsPerSubject() {
        JavalinTest.test(app(new SubjectRules(Set.of("orders.v1-value"), 2, 2)), (server, unused) -> {
            // Given two subjects, the cap, one of them with two versions, the cap
            final RawHttp http = raw(server);
            http.post("/subjects/users-value/versions", schemaBody(USER_V1));
            http.post("/subjects/users-value/versions", schemaBody(USER_V2));
            http.post("/subjects/archive-value/versions", schemaBody(ORDER));

            // When a third subject and a third version are registered
            final Reply thirdSubject = http.post("/subjects/more-value/versions", schemaBody(ORDER));
            final Reply thirdVersion = http.post("/subjects/users-value/versions", schemaBody(USER_NO_NAME));

            // Then both are refused as not permitted, naming the cap
            assertThat(List.of(thirdSubject, thirdVersion)).allSatisfy(reply -> {
                assertThat(reply.status()).as(reply.body()).isEqualTo(422);
                assertThat(reply.errorCode()).isEqualTo(42205);
            });
            assertThat(thirdSubject.json().path("message").asText()).contains("2 subjects");
            assertThat(thirdVersion.json().path("message").asText()).contains("users-value", "2 versions");
            assertThat(http.get("/subjects").body()).isEqualTo("[\"archive-value\",\"users-value\"]");

            // And what is already there is found again, a protected subject still gets its schema in, and a
            // soft-deleted subject keeps its place, since the registry keeps it
            assertThat(http.post("/subjects/users-value/versions", schemaBody(USER_V2)).body())
                    .isEqualTo("{\"id\":2}");
            assertThat(http.post("/subjects/orders.v1-value/versions", schemaBody(ORDER)).status()).isEqualTo(200);
            http.delete("/subjects/archive-value");
            assertThat(http.post("/subjects/more-value/versions", schemaBody(ORDER)).errorCode()).isEqualTo(42205);
        });
    }

    private Javalin app(SubjectRules rules) {
        return SchemaRegistryApi.create(new SchemaRegistryService(state, log, rules),
                new RegistryCredentials(USER_INFO), Json.mapper());
    }

    /** A client with the registry's credentials. */
    private static HttpSchemaRegistryClient client(Javalin server) {
        return new HttpSchemaRegistryClient("http://localhost:" + server.port(), Optional.of(USER_INFO));
    }

    /** Calls with the registry's credentials. */
    private static RawHttp raw(Javalin server) {
        return anonymous(server).withAuthorization(basic(USER_INFO));
    }

    /** Calls without credentials. */
    private static RawHttp anonymous(Javalin server) {
        return new RawHttp("http://localhost:" + server.port());
    }

    private static String basic(String userInfo) {
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    private static Schema parse(String schema) {
        return new Schema.Parser().parse(schema);
    }
}
