package io.eventline.registry;

import io.eventline.registry.RegistryCommand.DeleteSubject;
import io.eventline.registry.RegistryCommand.Register;
import io.eventline.registry.RegistryCommand.SetCompatibility;
import io.eventline.registry.RegistryState.RegisteredVersion;
import io.eventline.registry.RegistryState.SubjectVersionRef;
import io.eventline.registry.client.CompatibilityLevel;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The registry's operations over its state and log. Changes go through the log; reads are answered from the
 * local state, which first catches up with the log when the answer could have changed elsewhere (lists,
 * latest versions, levels), and otherwise only on a miss, since an ID or a numbered version once seen never
 * changes. A schema registered through another instance is thus found here at once.
 *
 * <p>The {@link SubjectRules} are checked here, when a request is taken, not when the log is applied: instances
 * configured differently must still apply the log alike. Registrations racing through several instances may so
 * pass a cap by a few; the caps bound memory, they do not count exactly.
 */
final class SchemaRegistryService {
    private final RegistryState state;
    private final RegistryLog log;
    private final SubjectRules rules;

    SchemaRegistryService(RegistryState state, RegistryLog log, SubjectRules rules) {
        this.state = state;
        this.log = log;
        this.rules = rules;
    }

    /** Registers {@code schema} under {@code subject}, or finds it already there. */
    RegisteredVersion register(String subject, ParsedSchema schema) {
        final Optional<RegisteredVersion> known = state.find(subject, schema);
        if (known.isPresent()) {
            return known.get();
        }
        log.catchUp();
        final Optional<RegisteredVersion> caughtUp = state.find(subject, schema);
        if (caughtUp.isPresent()) {
            return caughtUp.get();
        }
        if (state.versionCount(subject) == 0 && !rules.isProtected(subject)
                && state.subjectCount() >= rules.maxSubjects()) {
            throw RegistryException.subjectLimitReached(rules.maxSubjects());
        }
        if (state.versionCount(subject) >= rules.maxVersionsPerSubject()) {
            throw RegistryException.versionLimitReached(subject, rules.maxVersionsPerSubject());
        }
        // refused here so that the log does not fill with proposals bound to be refused; the log still
        // decides, in case another instance changes the subject in the meantime
        final List<String> incompatibilities = state.incompatibilities(subject, schema);
        if (!incompatibilities.isEmpty()) {
            throw RegistryException.incompatible(subject, incompatibilities);
        }
        return (RegisteredVersion) log.append(new Register(subject, schema.canonical()));
    }

    RegisteredVersion lookup(String subject, ParsedSchema schema) {
        return stable(() -> state.lookup(subject, schema));
    }

    String schema(int id) {
        return stable(() -> state.schema(id));
    }

    List<SubjectVersionRef> subjectVersionsOf(int id) {
        return fresh(() -> state.subjectVersionsOf(id));
    }

    List<String> subjects() {
        return fresh(state::subjects);
    }

    List<Integer> versions(String subject) {
        return fresh(() -> state.versions(subject));
    }

    RegisteredVersion version(String subject, int version) {
        return version == RegistryState.LATEST
                ? fresh(() -> state.version(subject, version))
                : stable(() -> state.version(subject, version));
    }

    /** Incompatibilities of {@code schema} with a version of {@code subject}; empty when compatible. */
    List<String> incompatibilities(String subject, ParsedSchema schema, int version) {
        return fresh(() -> state.incompatibilities(subject, schema, version));
    }

    CompatibilityLevel globalLevel() {
        return fresh(state::globalLevel);
    }

    /** The subject's own level, or with {@code defaultToGlobal} the global one in its absence; else 40408. */
    CompatibilityLevel subjectLevel(String subject, boolean defaultToGlobal) {
        return fresh(() -> state.subjectLevel(subject)
                .or(() -> defaultToGlobal ? Optional.of(state.globalLevel()) : Optional.empty())
                .orElseThrow(() -> RegistryException.subjectLevelCompatibilityNotConfigured(subject)));
    }

    /** Sets the global level; refused while a protected subject without a level of its own would lose it. */
    void setGlobalLevel(CompatibilityLevel level) {
        if (!SubjectRules.keepsProtectedSubjectsReadable(level)) {
            final Optional<String> inheriting = fresh(() -> rules.protectedSubjects().stream().sorted()
                    .filter(subject -> state.subjectLevel(subject).isEmpty())
                    .findFirst());
            if (inheriting.isPresent()) {
                throw RegistryException.subjectProtected(inheriting.get(), "it takes the global level, which "
                        + "must keep backward compatibility; set " + level + " on other subjects instead");
            }
        }
        log.append(new SetCompatibility(null, level));
    }

    void setSubjectLevel(String subject, CompatibilityLevel level) {
        if (rules.isProtected(subject) && !SubjectRules.keepsProtectedSubjectsReadable(level)) {
            throw RegistryException.subjectProtected(subject, "its level must keep backward compatibility "
                    + "(BACKWARD, BACKWARD_TRANSITIVE, FULL or FULL_TRANSITIVE), not " + level);
        }
        log.append(new SetCompatibility(subject, level));
    }

    /** Removes the subject's own level, so the global one applies; returns the removed level. */
    CompatibilityLevel clearSubjectLevel(String subject) {
        final CompatibilityLevel removed = subjectLevel(subject, false);
        final CompatibilityLevel global = state.globalLevel();
        if (rules.isProtected(subject) && !SubjectRules.keepsProtectedSubjectsReadable(global)) {
            throw RegistryException.subjectProtected(subject, "it would take the global level " + global
                    + ", which does not keep backward compatibility");
        }
        log.append(new SetCompatibility(subject, null));
        return removed;
    }

    /** Soft-deletes the subject's versions; returns their numbers. */
    @SuppressWarnings("unchecked")
    List<Integer> deleteSubject(String subject) {
        if (rules.isProtected(subject)) {
            throw RegistryException.subjectProtected(subject, "it cannot be deleted");
        }
        versions(subject);
        return (List<Integer>) log.append(new DeleteSubject(subject));
    }

    private <T> T fresh(Supplier<T> query) {
        log.catchUp();
        return query.get();
    }

    private <T> T stable(Supplier<T> query) {
        try {
            return query.get();
        } catch (RegistryException e) {
            if (e.status() != 404) {
                throw e;
            }
            log.catchUp();
            return query.get();
        }
    }
}
