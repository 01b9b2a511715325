package io.eventline.registry;

import io.eventline.registry.CompatibilityChecker.VersionedSchema;
import io.eventline.registry.RegistryCommand.DeleteSubject;
import io.eventline.registry.RegistryCommand.Register;
import io.eventline.registry.RegistryCommand.SetCompatibility;
import io.eventline.registry.client.CompatibilityLevel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The registry's state machine: schemas by global ID, subjects with their versions, compatibility levels.
 * Mutated only by {@link #apply} in log order, from one thread; read by request threads, hence synchronized.
 * Applying depends on nothing but the commands applied before, so every instance that replays the same log
 * assigns the same IDs and versions and makes the same compatibility decisions.
 */
final class RegistryState {
    /** The version argument that means "the latest live version". */
    static final int LATEST = -1;
    static final CompatibilityLevel DEFAULT_LEVEL = CompatibilityLevel.BACKWARD;

    private final Map<String, StoredSchema> schemasByCanonical = new HashMap<>();
    private final List<StoredSchema> schemasById = new ArrayList<>();
    private final Map<String, List<SubjectVersion>> versionsBySubject = new TreeMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel = DEFAULT_LEVEL;

    /**
     * Applies one command from the log.
     *
     * @return a {@link RegisteredVersion} for a registration, the level that was in force for a compatibility
     *         change, the deleted version numbers for a subject deletion
     * @throws RegistryException when the command is refused; the state is then unchanged
     */
    synchronized Object apply(RegistryCommand command) {
        if (command instanceof Register register) {
            return register(register.subject(), ParsedSchema.parse(register.schema()));
        }
        if (command instanceof SetCompatibility change) {
            return setLevel(change.subject(), change.level());
        }
        if (command instanceof DeleteSubject delete) {
            return deleteSubject(delete.subject());
        }
        throw new IllegalArgumentException("unknown command " + command);
    }

    private RegisteredVersion register(String subject, ParsedSchema schema) {
        final Optional<RegisteredVersion> existing = find(subject, schema);
        if (existing.isPresent()) {
            return existing.get();
        }
        final List<String> incompatibilities = incompatibilities(subject, schema);
        if (!incompatibilities.isEmpty()) {
            throw RegistryException.incompatible(subject, incompatibilities);
        }
        StoredSchema stored = schemasByCanonical.get(schema.canonical());
        if (stored == null) {
            stored = new StoredSchema(schemasById.size() + 1, schema);
            schemasById.add(stored);
            schemasByCanonical.put(schema.canonical(), stored);
        }
        final List<SubjectVersion> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        final int version = versions.isEmpty() ? 1 : versions.get(versions.size() - 1).version() + 1;
        versions.add(new SubjectVersion(version, stored.id(), false));
        return new RegisteredVersion(subject, version, stored.id(), schema.canonical());
    }

    private CompatibilityLevel setLevel(String subject, CompatibilityLevel level) {
        if (subject == null) {
            final CompatibilityLevel previous = globalLevel;
            globalLevel = level == null ? DEFAULT_LEVEL : level;
            return previous;
        }
        final CompatibilityLevel previous = effectiveLevel(subject);
        if (level == null) {
            subjectLevels.remove(subject);
        } else {
            subjectLevels.put(subject, level);
        }
        return previous;
    }

    private List<Integer> deleteSubject(String subject) {
        final List<SubjectVersion> versions = versionsBySubject.get(subject);
        final List<Integer> deleted = new ArrayList<>();
        if (versions != null) {
            for (int i = 0; i < versions.size(); i++) {
                final SubjectVersion version = versions.get(i);
                if (!version.deleted()) {
                    versions.set(i, new SubjectVersion(version.version(), version.id(), true));
                    deleted.add(version.version());
                }
            }
        }
        if (deleted.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        return deleted;
    }

    /** The live version of {@code subject} holding {@code schema}, if any. */
    synchronized Optional<RegisteredVersion> find(String subject, ParsedSchema schema) {
        final StoredSchema stored = schemasByCanonical.get(schema.canonical());
        if (stored == null) {
            return Optional.empty();
        }
        return liveVersions(subject).stream()
                .filter(v -> v.id() == stored.id())
                .findFirst()
                .map(v -> new RegisteredVersion(subject, v.version(), v.id(), stored.parsed().canonical()));
    }

    /** Why {@code schema} could not be registered next under {@code subject}; empty if it could. */
    synchronized List<String> incompatibilities(String subject, ParsedSchema schema) {
        return CompatibilityChecker.check(effectiveLevel(subject), schema.schema(), liveSchemas(subject));
    }

    /**
     * Checks {@code schema} against one version of {@code subject} in the directions its level asks for, or,
     * for {@link #LATEST}, exactly as a registration would be checked.
     */
    synchronized List<String> incompatibilities(String subject, ParsedSchema schema, int version) {
        if (version == LATEST) {
            return incompatibilities(subject, schema);
        }
        final SubjectVersion found = liveVersion(subject, version);
        final CompatibilityLevel level = effectiveLevel(subject);
        final CompatibilityLevel direction = level.backward() && level.forward() ? CompatibilityLevel.FULL
                : level.backward() ? CompatibilityLevel.BACKWARD
                : level.forward() ? CompatibilityLevel.FORWARD
                : CompatibilityLevel.NONE;
        return CompatibilityChecker.check(direction, schema.schema(),
                List.of(new VersionedSchema(found.version(), schemasById.get(found.id() - 1).parsed().schema())));
    }

    /** Finds {@code schema} among the live versions of {@code subject}; 40401 or 40403 if absent. */
    synchronized RegisteredVersion lookup(String subject, ParsedSchema schema) {
        if (liveVersions(subject).isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        return find(subject, schema).orElseThrow(RegistryException::schemaNotFound);
    }

    /** The schema text with this ID; 40403 if none. */
    synchronized String schema(int id) {
        if (id < 1 || id > schemasById.size()) {
            throw RegistryException.schemaNotFound(id);
        }
        return schemasById.get(id - 1).parsed().canonical();
    }

    /** The live subject versions that hold the schema with this ID; 40403 if the ID is unknown. */
    synchronized List<SubjectVersionRef> subjectVersionsOf(int id) {
        schema(id);
        final List<SubjectVersionRef> refs = new ArrayList<>();
        versionsBySubject.forEach((subject, versions) -> versions.stream()
                .filter(v -> v.id() == id && !v.deleted())
                .forEach(v -> refs.add(new SubjectVersionRef(subject, v.version()))));
        return refs;
    }

    /** How many subjects ever had a version, soft-deleted ones included: they stay in memory. */
    synchronized int subjectCount() {
        return versionsBySubject.size();
    }

    /** How many versions {@code subject} ever had, soft-deleted ones included: they stay in memory. */
    synchronized int versionCount(String subject) {
        final List<SubjectVersion> versions = versionsBySubject.get(subject);
        return versions == null ? 0 : versions.size();
    }

    /** Subjects with at least one live version, sorted. */
    synchronized List<String> subjects() {
        final List<String> subjects = new ArrayList<>();
        versionsBySubject.forEach((subject, versions) -> {
            if (versions.stream().anyMatch(v -> !v.deleted())) {
                subjects.add(subject);
            }
        });
        return subjects;
    }

    /** The live version numbers of {@code subject}, oldest first; 40401 if it has none. */
    synchronized List<Integer> versions(String subject) {
        final List<SubjectVersion> live = liveVersions(subject);
        if (live.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        return live.stream().map(SubjectVersion::version).toList();
    }

    /** One live version of {@code subject}, or its latest for {@link #LATEST}; 40401 or 40402 if absent. */
    synchronized RegisteredVersion version(String subject, int version) {
        final SubjectVersion found = liveVersion(subject, version);
        return new RegisteredVersion(subject, found.version(), found.id(), schema(found.id()));
    }

    synchronized CompatibilityLevel globalLevel() {
        return globalLevel;
    }

    /** The level set on {@code subject} itself, if any. */
    synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    /** The level in force for {@code subject}: its own, else the global one. */
    synchronized CompatibilityLevel effectiveLevel(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    private SubjectVersion liveVersion(String subject, int version) {
        final List<SubjectVersion> live = liveVersions(subject);
        if (live.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        if (version == LATEST) {
            return live.get(live.size() - 1);
        }
        return live.stream()
                .filter(v -> v.version() == version)
                .findFirst()
                .orElseThrow(() -> RegistryException.versionNotFound(version));
    }

    private List<SubjectVersion> liveVersions(String subject) {
        final List<SubjectVersion> versions = versionsBySubject.get(subject);
        return versions == null ? List.of() : versions.stream().filter(v -> !v.deleted()).toList();
    }

    private List<VersionedSchema> liveSchemas(String subject) {
        return liveVersions(subject).stream()
                .map(v -> new VersionedSchema(v.version(), schemasById.get(v.id() - 1).parsed().schema()))
                .toList();
    }

    /** A schema with its global ID. */
    private record StoredSchema(int id, ParsedSchema parsed) {
    }

    /** One version of a subject; deleted versions keep their number so it is never given out again. */
    private record SubjectVersion(int version, int id, boolean deleted) {
    }

    /** A version of a subject with its schema, as the API reports it. */
    record RegisteredVersion(String subject, int version, int id, String schema) {
    }

    /** A subject and version that hold some schema. */
    record SubjectVersionRef(String subject, int version) {
    }
}
