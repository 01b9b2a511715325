package io.eventline.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.http.ProblemException;
import io.eventline.http.ProblemException.FieldError;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CheckRequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** A valid body: domain rewards, one descriptor device=d1. */
    private static ObjectNode validBody() {
        return (ObjectNode) json("{\"domain\":\"rewards\",\"descriptors\":[[{\"key\":\"device\",\"value\":\"d1\"}]]}");
    }

    private static ArrayNode descriptor(int entries) {
        final ArrayNode descriptor = JSON.createArrayNode();
        for (int i = 0; i < entries; i++) {
            descriptor.addObject().put("key", "k" + i).put("value", "v" + i);
        }
        return descriptor;
    }

    private static ObjectNode withEntry(String key, String value) {
        final ObjectNode body = validBody();
        final ArrayNode descriptor = body.putArray("descriptors").addArray();
        descriptor.addObject().put("key", key).put("value", value);
        return body;
    }

    private static List<FieldError> violations(JsonNode body) {
        final ProblemException problem = catchThrowableOfType(() -> CheckRequests.parse(body), ProblemException.class);
        assertThat(problem).as("a problem for %s", body).isNotNull();
        assertThat(problem.status()).isEqualTo(400);
        assertThat(problem.type()).isEqualTo(ProblemException.TYPE_BASE + "invalid-request");
        return problem.errors();
    }

    private static List<String> pointers(JsonNode body) {
        return violations(body).stream().map(FieldError::pointer).toList();
    }

    private static List<FieldError> queryViolations(String raw, JsonNode asJson) {
        final ProblemException problem = catchThrowableOfType(() -> CheckRequests.parseQuery(raw, asJson),
                ProblemException.class);
        assertThat(problem).as("a problem for %s / %s", raw, asJson).isNotNull();
        assertThat(problem.status()).isEqualTo(400);
        return problem.errors();
    }

    // ---- the body ----

    @Test
    void shouldReadAValidBody() {
        // Given
        final JsonNode body = json("{\"domain\":\"rewards.v2_eu-1\",\"requestId\":\"claim-1:a.b_c\",\"hits\":3,"
                + "\"descriptors\":[[{\"key\":\"device\",\"value\":\"d1\"}],"
                + "[{\"key\":\"endpoint\",\"value\":\"GET /{code}\"},{\"key\":\"ip\",\"value\":\"203.0.113.7\"}]]}");

        // When
        final CheckRequests.Check check = CheckRequests.parse(body);

        // Then
        assertThat(check.domain()).isEqualTo("rewards.v2_eu-1");
        assertThat(check.requestId()).isEqualTo("claim-1:a.b_c");
        assertThat(check.hits()).isEqualTo(3);
        assertThat(check.descriptors()).containsExactly(
                List.of(new DescriptorEntry("device", "d1")),
                List.of(new DescriptorEntry("endpoint", "GET /{code}"), new DescriptorEntry("ip", "203.0.113.7")));
    }

    @Test
    void shouldCountOneHitAndHaveNoRequestIdByDefault() {
        // Given
        final ObjectNode withNulls = validBody();
        withNulls.putNull("hits");
        withNulls.putNull("requestId");

        // When
        final CheckRequests.Check omitted = CheckRequests.parse(validBody());
        final CheckRequests.Check nulls = CheckRequests.parse(withNulls);

        // Then
        assertThat(omitted.hits()).isEqualTo(1);
        assertThat(omitted.requestId()).isNull();
        assertThat(nulls.hits()).isEqualTo(1);
        assertThat(nulls.requestId()).isNull();
    }

    @Test
    void shouldAcceptTheBoundsOfEveryField() {
        // Given
        final ObjectNode body = validBody();
        body.put("domain", "d".repeat(64));
        body.put("requestId", "r".repeat(128));
        final ArrayNode descriptors = body.putArray("descriptors");
        for (int i = 0; i < CheckRequests.MAX_DESCRIPTORS; i++) {
            descriptors.add(descriptor(CheckRequests.MAX_ENTRIES));
        }
        ((ObjectNode) descriptors.get(0).get(0)).put("key", "k".repeat(64)).put("value", "v".repeat(512));
        body.put("hits", CheckRequests.MAX_HITS);
        final ObjectNode zeroHits = validBody().put("hits", 0);

        // When
        final CheckRequests.Check check = CheckRequests.parse(body);

        // Then
        assertThat(check.descriptors()).hasSize(16).allSatisfy(descriptor -> assertThat(descriptor).hasSize(8));
        assertThat(check.hits()).isEqualTo(1_000_000);
        assertThat(CheckRequests.parse(zeroHits).hits()).isZero();
    }

    @Test
    void shouldRequireADomainString() {
        // Given
        final ObjectNode missing = validBody();
        missing.remove("domain");

        // When / Then
        assertThat(violations(missing))
                .containsExactly(new FieldError("/domain", "is required and must be a string"));
        assertThat(violations(validBody().put("domain", 7)))
                .containsExactly(new FieldError("/domain", "is required and must be a string"));
        assertThat(violations(validBody().putNull("domain")))
                .containsExactly(new FieldError("/domain", "is required and must be a string"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "two words", "rewards/eu", "ünïcode", "rewards\u0000x"})
    void shouldRejectADomainOutsideItsAlphabet(String domain) {
        assertThat(violations(validBody().put("domain", domain)))
                .containsExactly(new FieldError("/domain", "must be 1-64 of [A-Za-z0-9_.-]"));
    }

    @Test
    void shouldRejectADomainOfMoreThan64Characters() {
        assertThat(pointers(validBody().put("domain", "d".repeat(65)))).containsExactly("/domain");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"domain\":\"rewards\"}", "{\"domain\":\"rewards\",\"descriptors\":null}",
            "{\"domain\":\"rewards\",\"descriptors\":[]}", "{\"domain\":\"rewards\",\"descriptors\":{}}",
            "{\"domain\":\"rewards\",\"descriptors\":\"device=d1\"}"})
    void shouldRequireANonEmptyArrayOfDescriptors(String body) {
        assertThat(violations(json(body))).containsExactly(new FieldError("/descriptors",
                "must be an array of 1-16 descriptors, each an array of {\"key\", \"value\"}"));
    }

    @Test
    void shouldRejectMoreThan16Descriptors() {
        // Given
        final ObjectNode body = validBody();
        final ArrayNode descriptors = body.putArray("descriptors");
        for (int i = 0; i <= CheckRequests.MAX_DESCRIPTORS; i++) {
            descriptors.add(descriptor(1));
        }

        // When / Then
        assertThat(pointers(body)).containsExactly("/descriptors");
    }

    @Test
    void shouldPointAtEachDescriptorThatIsNotAnArrayOfOneTo8Entries() {
        // Given: the first is fine; the others are an object, empty, and 9 entries long
        final ObjectNode body = validBody();
        final ArrayNode descriptors = body.putArray("descriptors");
        descriptors.add(descriptor(1));
        descriptors.addObject().put("key", "device").put("value", "d1");
        descriptors.addArray();
        descriptors.add(descriptor(CheckRequests.MAX_ENTRIES + 1));

        // When
        final List<FieldError> errors = violations(body);

        // Then
        final String detail = "must be an array of 1-8 {\"key\", \"value\"}";
        assertThat(errors).containsExactly(new FieldError("/descriptors/1", detail),
                new FieldError("/descriptors/2", detail), new FieldError("/descriptors/3", detail));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"device=d1\"", "{\"key\":\"device\"}", "{\"value\":\"d1\"}",
            "{\"key\":\"device\",\"value\":7}", "{\"key\":1,\"value\":\"d1\"}", "{\"key\":\"device\",\"value\":null}",
            "[\"device\",\"d1\"]"})
    void shouldPointAtAnEntryThatIsNotAKeyValueObject(String entry) {
        // Given: the second entry of the first descriptor
        final JsonNode body = json("{\"domain\":\"rewards\",\"descriptors\":[[{\"key\":\"a\",\"value\":\"b\"},"
                + entry + "]]}");

        // When / Then
        assertThat(violations(body)).containsExactly(
                new FieldError("/descriptors/0/1", "must be {\"key\": string, \"value\": string}"));
    }

    @Test
    void shouldPointAtAnEmptyOrTooLongKeyOrValue() {
        assertThat(violations(withEntry("", "d1")))
                .containsExactly(new FieldError("/descriptors/0/0/key", "must be 1-64 characters without NUL"));
        assertThat(violations(withEntry("k".repeat(65), "d1")))
                .containsExactly(new FieldError("/descriptors/0/0/key", "must be 1-64 characters without NUL"));
        assertThat(violations(withEntry("device", "")))
                .containsExactly(new FieldError("/descriptors/0/0/value", "must be 1-512 characters without NUL"));
        assertThat(violations(withEntry("device", "v".repeat(513))))
                .containsExactly(new FieldError("/descriptors/0/0/value", "must be 1-512 characters without NUL"));
    }

    @Test
    void shouldRejectNulCharactersThatWouldSplitTheCounterKey() {
        // Given: "user" "a\0ip\0b" would share the counter key of [user=a, ip=b]
        final ObjectNode nulInValue = withEntry("user", "a\u0000ip\u0000b");
        final ObjectNode nulInKey = withEntry("us\u0000er", "a");

        // When / Then
        assertThat(pointers(nulInValue)).containsExactly("/descriptors/0/0/value");
        assertThat(pointers(nulInKey)).containsExactly("/descriptors/0/0/key");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "1000001", "1.5", "\"3\"", "true", "2147483648", "1e3", "[1]"})
    void shouldRejectHitsOutsideZeroToAMillionOrNotAnInteger(String hits) {
        // Given
        final JsonNode body = json("{\"domain\":\"rewards\",\"descriptors\":[[{\"key\":\"device\",\"value\":\"d1\"}]],"
                + "\"hits\":" + hits + "}");

        // When / Then
        assertThat(violations(body)).containsExactly(new FieldError("/hits", "must be an integer from 0 to 1000000"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\"claim 1\"", "\"claim/1\"", "\"ü\"", "7", "true", "{}"})
    void shouldRejectARequestIdOutsideItsPattern(String requestId) {
        // Given
        final JsonNode body = json("{\"domain\":\"rewards\",\"descriptors\":[[{\"key\":\"device\",\"value\":\"d1\"}]],"
                + "\"requestId\":" + requestId + "}");

        // When / Then
        assertThat(violations(body)).containsExactly(new FieldError("/requestId", "must be 1-128 of [A-Za-z0-9_.:-]"));
    }

    @Test
    void shouldRejectARequestIdOfMoreThan128Characters() {
        assertThat(pointers(validBody().put("requestId", "r".repeat(129)))).containsExactly("/requestId");
    }

    @Test
    void shouldReportEveryViolationAtOnce() {
        // Given
        final JsonNode body = json("{\"domain\":\"\",\"descriptors\":[[{\"key\":\"device\"}],"
                + "[{\"key\":\"\",\"value\":\"\"}]],\"hits\":-1,\"requestId\":\"a b\"}");

        // When
        final List<String> pointers = pointers(body);

        // Then
        assertThat(pointers).containsExactly("/domain", "/descriptors/0/0", "/descriptors/1/0/key",
                "/descriptors/1/0/value", "/hits", "/requestId");
    }

    // ---- the query parameter ----

    @Test
    void shouldReadTheQueryFormOfADescriptor() {
        // When
        final List<DescriptorEntry> entries = CheckRequests.parseQuery("endpoint=GET /{code},ip=1.2.3.4", null);

        // Then
        assertThat(entries).containsExactly(new DescriptorEntry("endpoint", "GET /{code}"),
                new DescriptorEntry("ip", "1.2.3.4"));
    }

    @Test
    void shouldTrimTheQueryFormAndSplitEachPairAtItsFirstEqualsSign() {
        // When
        final List<DescriptorEntry> entries = CheckRequests.parseQuery(" user = alice , filter=a=b", null);

        // Then
        assertThat(entries).containsExactly(new DescriptorEntry("user", "alice"), new DescriptorEntry("filter", "a=b"));
    }

    @Test
    void shouldReadTheJsonArrayFormOfADescriptor() {
        // Given: a value with a comma, which the query form cannot carry
        final String raw = "[{\"key\":\"device\",\"value\":\"d1\"},{\"key\":\"tag\",\"value\":\"a,b\"}]";

        // When
        final List<DescriptorEntry> entries = CheckRequests.parseQuery(raw, json(raw));

        // Then
        assertThat(entries).containsExactly(new DescriptorEntry("device", "d1"), new DescriptorEntry("tag", "a,b"));
    }

    @Test
    void shouldRequireADescriptorInTheQuery() {
        final FieldError required = new FieldError("/descriptor",
                "is required, e.g. user=alice or endpoint=GET /{code},ip=1.2.3.4");

        assertThat(queryViolations(null, null)).containsExactly(required);
        assertThat(queryViolations("", null)).containsExactly(required);
        assertThat(queryViolations("  ", null)).containsExactly(required);
    }

    @Test
    void shouldPointAtEachQueryPairThatIsNotKeyEqualsValue() {
        // When
        final List<FieldError> errors = queryViolations("user=alice,novalue,=anonymous", null);

        // Then
        assertThat(errors).containsExactly(new FieldError("/descriptor", "'novalue' is not key=value"),
                new FieldError("/descriptor", "'=anonymous' is not key=value"));
    }

    @Test
    void shouldCheckEachQueryEntryLikeABodyEntry() {
        assertThat(queryViolations("user=", null))
                .containsExactly(new FieldError("/descriptor/value", "must be 1-512 characters without NUL"));
        assertThat(queryViolations("k".repeat(65) + "=v", null))
                .containsExactly(new FieldError("/descriptor/key", "must be 1-64 characters without NUL"));
        assertThat(queryViolations("user=a\u0000ip\u0000b", null))
                .containsExactly(new FieldError("/descriptor/value", "must be 1-512 characters without NUL"));
    }

    @Test
    void shouldPointIntoTheJsonArrayFormOfTheQuery() {
        // Given
        final String notAnArray = "{\"key\":\"device\",\"value\":\"d1\"}";
        final String badEntry = "[{\"key\":\"device\",\"value\":\"d1\"},{\"key\":\"tag\"}]";
        final String emptyValue = "[{\"key\":\"device\",\"value\":\"\"}]";

        // When / Then
        assertThat(queryViolations(notAnArray, json(notAnArray)))
                .containsExactly(new FieldError("/descriptor", "must be an array of 1-8 {\"key\", \"value\"}"));
        assertThat(queryViolations("[]", json("[]")))
                .containsExactly(new FieldError("/descriptor", "must be an array of 1-8 {\"key\", \"value\"}"));
        assertThat(queryViolations(badEntry, json(badEntry)))
                .containsExactly(new FieldError("/descriptor/1", "must be {\"key\": string, \"value\": string}"));
        assertThat(queryViolations(emptyValue, json(emptyValue)))
                .containsExactly(new FieldError("/descriptor/0/value", "must be 1-512 characters without NUL"));
    }
}
