package io.eventline.registry;

import java.util.List;

/**
 * A request the registry refuses, with the HTTP status and the Confluent error code it answers with. The codes
 * are those of the Confluent Schema Registry API, so that its clients react to them as they would there; a
 * protected subject is refused with 40901, a code of Eventline's own in the 409 family.
 */
final class RegistryException extends RuntimeException {
    static final int SUBJECT_NOT_FOUND = 40401;
    static final int VERSION_NOT_FOUND = 40402;
    static final int SCHEMA_NOT_FOUND = 40403;
    static final int SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED = 40408;
    static final int UNAUTHORIZED = 401;
    static final int INCOMPATIBLE_SCHEMA = 409;
    static final int SUBJECT_PROTECTED = 40901;
    static final int INVALID_SCHEMA = 42201;
    static final int INVALID_VERSION = 42202;
    static final int INVALID_COMPATIBILITY_LEVEL = 42203;
    static final int OPERATION_NOT_PERMITTED = 42205;
    static final int STORE_ERROR = 50001;
    static final int OPERATION_TIMEOUT = 50002;

    private final int status;
    private final int errorCode;

    RegistryException(int status, int errorCode, String message) {
        super(message, null, false, false);
        this.status = status;
        this.errorCode = errorCode;
    }

    RegistryException(int status, int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
    }

    int status() {
        return status;
    }

    int errorCode() {
        return errorCode;
    }

    static RegistryException subjectNotFound(String subject) {
        return new RegistryException(404, SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }

    static RegistryException versionNotFound(int version) {
        return new RegistryException(404, VERSION_NOT_FOUND, "Version " + version + " not found.");
    }

    static RegistryException schemaNotFound() {
        return new RegistryException(404, SCHEMA_NOT_FOUND, "Schema not found");
    }

    static RegistryException schemaNotFound(int id) {
        return new RegistryException(404, SCHEMA_NOT_FOUND, "Schema " + id + " not found");
    }

    static RegistryException subjectLevelCompatibilityNotConfigured(String subject) {
        return new RegistryException(404, SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED,
                "Subject '" + subject + "' does not have subject-level compatibility configured");
    }

    static RegistryException incompatible(String subject, List<String> messages) {
        return new RegistryException(409, INCOMPATIBLE_SCHEMA,
                "Schema being registered is incompatible with an earlier schema for subject \"" + subject
                        + "\", details: " + messages);
    }

    static RegistryException unauthorized() {
        return new RegistryException(401, UNAUTHORIZED,
                "Writes need the registry's credentials, sent with HTTP Basic authentication");
    }

    static RegistryException subjectProtected(String subject, String refusal) {
        return new RegistryException(409, SUBJECT_PROTECTED, "Subject '" + subject
                + "' is protected, its topic is in use: " + refusal);
    }

    static RegistryException subjectLimitReached(int maxSubjects) {
        return new RegistryException(422, OPERATION_NOT_PERMITTED, "Operation not permitted: the registry holds "
                + "its limit of " + maxSubjects + " subjects, soft-deleted ones included");
    }

    static RegistryException versionLimitReached(String subject, int maxVersions) {
        return new RegistryException(422, OPERATION_NOT_PERMITTED, "Operation not permitted: subject '" + subject
                + "' holds its limit of " + maxVersions + " versions, soft-deleted ones included");
    }

    static RegistryException invalidSchema(String reason) {
        return new RegistryException(422, INVALID_SCHEMA, "Invalid schema: " + reason);
    }

    static RegistryException invalidVersion(String version) {
        return new RegistryException(422, INVALID_VERSION, "The specified version '" + version
                + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    static RegistryException invalidCompatibilityLevel() {
        return new RegistryException(422, INVALID_COMPATIBILITY_LEVEL,
                "Invalid compatibility level. Valid values are none, backward, forward, full, "
                        + "backward_transitive, forward_transitive, and full_transitive");
    }

    static RegistryException storeError(String message, Throwable cause) {
        return new RegistryException(500, STORE_ERROR, message, cause);
    }

    static RegistryException timeout(String message) {
        return new RegistryException(500, OPERATION_TIMEOUT, message);
    }
}
