package io.eventline.registry;

import static io.eventline.registry.Schemas.ORDER;
import static io.eventline.registry.Schemas.USER_INT_NAME;
import static io.eventline.registry.Schemas.USER_NO_NAME;
import static io.eventline.registry.Schemas.USER_REQUIRED_AGE;
import static io.eventline.registry.Schemas.USER_V1;
import static io.eventline.registry.Schemas.USER_V2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventline.registry.RegistryCommand.DeleteSubject;
import io.eventline.registry.RegistryCommand.Register;
import io.eventline.registry.RegistryCommand.SetCompatibility;
import io.eventline.registry.RegistryState.RegisteredVersion;
import io.eventline.registry.RegistryState.SubjectVersionRef;
import io.eventline.registry.client.CompatibilityLevel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryStateTest {
    private final RegistryState state = new RegistryState();

    @Test
    void shouldNumberIdsAndVersionsFromOne() {
        // When
        final RegisteredVersion first = register("users-value", USER_V1);
        final RegisteredVersion second = register("users-value", USER_V2);

        // Then
        assertThat(first.id()).isEqualTo(1);
        assertThat(first.version()).isEqualTo(1);
        assertThat(second.id()).isEqualTo(2);
        assertThat(second.version()).isEqualTo(2);
        assertThat(state.versions("users-value")).containsExactly(1, 2);
        assertThat(state.version("users-value", RegistryState.LATEST)).isEqualTo(second);
    }

    @Test
    void shouldReuseIdWhenSameSchemaIsRegisteredUnderAnotherSubject() {
        // Given
        register("orders-value", ORDER);
        final RegisteredVersion users = register("users-value", USER_V1);

        // When
        final RegisteredVersion archive = register("archive-value", USER_V1);

        // Then the ID is global, the version is the subject's own
        assertThat(archive.id()).isEqualTo(users.id()).isEqualTo(2);
        assertThat(archive.version()).isEqualTo(1);
        assertThat(state.subjectVersionsOf(users.id())).containsExactly(
                new SubjectVersionRef("archive-value", 1), new SubjectVersionRef("users-value", 1));
    }

    @Test
    void shouldAnswerTheExistingVersionWhenTheSameSchemaIsRegisteredAgain() {
        // Given
        final RegisteredVersion first = register("users-value", USER_V1);
        register("users-value", USER_V2);

        // When the first schema comes again, written differently
        final RegisteredVersion again = register("users-value", USER_V1.replace(" ", "").replace("\n", "\n   "));

        // Then
        assertThat(again).isEqualTo(first);
        assertThat(state.versions("users-value")).containsExactly(1, 2);
    }

    @Test
    void shouldGiveDifferentIdsToSchemasThatDifferOnlyInADefault() {
        // Given two schemas with the same parsing canonical form
        final RegisteredVersion zero = register("a-value", USER_INT_NAME);

        // When
        final RegisteredVersion one = register("b-value", USER_INT_NAME.replace("\"default\":0", "\"default\":1"));

        // Then
        assertThat(one.id()).isNotEqualTo(zero.id());
        assertThat(state.schema(one.id())).contains("\"default\":1");
    }

    @Test
    void shouldRejectASchemaThatCannotReadTheLatestUnderBackward() {
        // Given the default level, BACKWARD
        register("users-value", USER_V1);

        // When / Then
        assertThatThrownBy(() -> register("users-value", USER_REQUIRED_AGE))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                    assertThat(e.getMessage()).contains("READER_FIELD_MISSING_DEFAULT_VALUE", "age");
                });
        assertThat(state.versions("users-value")).containsExactly(1);
    }

    @Test
    void shouldApplyTheDirectionOfEachLevel() {
        assertThat(accepts(CompatibilityLevel.BACKWARD, USER_V1, USER_NO_NAME)).isTrue();
        assertThat(accepts(CompatibilityLevel.BACKWARD, USER_V1, USER_REQUIRED_AGE)).isFalse();
        assertThat(accepts(CompatibilityLevel.FORWARD, USER_V1, USER_REQUIRED_AGE)).isTrue();
        assertThat(accepts(CompatibilityLevel.FORWARD, USER_V1, USER_NO_NAME)).isFalse();
        assertThat(accepts(CompatibilityLevel.FULL, USER_V1, USER_V2)).isTrue();
        assertThat(accepts(CompatibilityLevel.FULL, USER_V1, USER_NO_NAME)).isFalse();
        assertThat(accepts(CompatibilityLevel.FULL, USER_V1, USER_REQUIRED_AGE)).isFalse();
        assertThat(accepts(CompatibilityLevel.NONE, USER_V1, ORDER)).isTrue();
    }

    @Test
    void shouldCompareWithEveryVersionOnlyWhenTransitive() {
        // Given versions 1 and 2, each BACKWARD compatible with the one before
        assertThat(accepts(CompatibilityLevel.BACKWARD, USER_V1, USER_NO_NAME, USER_INT_NAME)).isTrue();

        // When / Then the third cannot read version 1's string name
        assertThat(accepts(CompatibilityLevel.BACKWARD_TRANSITIVE, USER_V1, USER_NO_NAME, USER_INT_NAME))
                .isFalse();
    }

    @Test
    void shouldPreferTheSubjectLevelOverTheGlobalOne() {
        // Given
        state.apply(new SetCompatibility(null, CompatibilityLevel.FULL));
        state.apply(new SetCompatibility("users-value", CompatibilityLevel.NONE));

        // Then
        assertThat(state.effectiveLevel("users-value")).isEqualTo(CompatibilityLevel.NONE);
        assertThat(state.effectiveLevel("orders-value")).isEqualTo(CompatibilityLevel.FULL);
        assertThat(state.subjectLevel("orders-value")).isEmpty();

        // When the subject's own level is cleared
        final Object previous = state.apply(new SetCompatibility("users-value", null));

        // Then
        assertThat(previous).isEqualTo(CompatibilityLevel.NONE);
        assertThat(state.effectiveLevel("users-value")).isEqualTo(CompatibilityLevel.FULL);
    }

    @Test
    void shouldAnswerConfluentNotFoundCodes() {
        // Given
        register("users-value", USER_V1);

        // Then
        assertThatThrownBy(() -> state.versions("nobody")).satisfies(e -> assertCode(e, 40401));
        assertThatThrownBy(() -> state.version("users-value", 7)).satisfies(e -> assertCode(e, 40402));
        assertThatThrownBy(() -> state.schema(99)).satisfies(e -> assertCode(e, 40403));
        assertThatThrownBy(() -> state.lookup("users-value", ParsedSchema.parse(ORDER)))
                .satisfies(e -> assertCode(e, 40403));
        assertThatThrownBy(() -> state.lookup("orders-value", ParsedSchema.parse(ORDER)))
                .satisfies(e -> assertCode(e, 40401));
    }

    @Test
    void shouldRejectAnInvalidSchema() {
        assertThatThrownBy(() -> register("users-value", "{\"type\":\"record\",\"name\":\"X\"}"))
                .satisfies(e -> assertCode(e, 42201));
        assertThatThrownBy(() -> register("users-value", "{not json"))
                .satisfies(e -> assertCode(e, 42201));
    }

    @Test
    void shouldNotReuseVersionNumbersAfterTheSubjectIsDeleted() {
        // Given
        final RegisteredVersion v1 = register("users-value", USER_V1);
        register("users-value", USER_V2);

        // When
        final Object deleted = state.apply(new DeleteSubject("users-value"));
        final RegisteredVersion again = register("users-value", USER_V1);

        // Then
        assertThat(deleted).isEqualTo(List.of(1, 2));
        assertThat(again.version()).isEqualTo(3);
        assertThat(again.id()).isEqualTo(v1.id());
        assertThat(state.versions("users-value")).containsExactly(3);
        assertThat(state.schema(2)).contains("email");
    }

    @Test
    void shouldReachTheSameStateWhenTheSameLogIsReplayed() {
        // Given a log with refusals and level changes among its registrations
        final List<RegistryCommand> log = List.of(
                new Register("users-value", USER_V1),
                new Register("users-value", USER_REQUIRED_AGE),
                new SetCompatibility("users-value", CompatibilityLevel.NONE),
                new Register("users-value", USER_REQUIRED_AGE),
                new Register("orders-value", ORDER),
                new SetCompatibility("users-value", CompatibilityLevel.BACKWARD),
                new Register("orders-value", USER_V1),
                new Register("users-value", ORDER));

        // When two instances apply it
        final List<String> first = replay(log);
        final List<String> second = replay(log);

        // Then they decide alike, refusing the first USER_REQUIRED_AGE and the last ORDER only
        assertThat(first).isEqualTo(second).containsExactly(
                "users-value v1 #1", "refused 409", "BACKWARD", "users-value v2 #2", "orders-value v1 #3",
                "NONE", "refused 409", "refused 409");
    }

    private static List<String> replay(List<RegistryCommand> log) {
        final RegistryState replica = new RegistryState();
        final List<String> outcomes = new ArrayList<>();
        for (RegistryCommand command : log) {
            try {
                final Object outcome = replica.apply(command);
                outcomes.add(outcome instanceof RegisteredVersion v
                        ? v.subject() + " v" + v.version() + " #" + v.id()
                        : String.valueOf(outcome));
            } catch (RegistryException e) {
                outcomes.add("refused " + e.errorCode());
            }
        }
        return outcomes;
    }

    private static boolean accepts(CompatibilityLevel level, String... schemas) {
        final RegistryState fresh = new RegistryState();
        fresh.apply(new SetCompatibility("s", level));
        try {
            for (String schema : schemas) {
                fresh.apply(new Register("s", schema));
            }
            return true;
        } catch (RegistryException e) {
            assertThat(e.errorCode()).isEqualTo(409);
            return false;
        }
    }

    private RegisteredVersion register(String subject, String schema) {
        return (RegisteredVersion) state.apply(new Register(subject, schema));
    }

    private static void assertCode(Throwable e, int errorCode) {
        assertThat(e).isInstanceOf(RegistryException.class);
        assertThat(((RegistryException) e).errorCode()).isEqualTo(errorCode);
    }
}
