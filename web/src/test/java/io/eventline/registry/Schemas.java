package io.eventline.registry;

/** Avro schemas of one evolving record type, as the tests register them. */
final class Schemas {
    /** {@code User} with a name. */
    static final String USER_V1 = """
            {"type":"record","name":"User","namespace":"io.eventline.test",
             "fields":[{"name":"name","type":"string"}]}""";
    /** V1 plus an optional email: BACKWARD and FORWARD compatible with V1. */
    static final String USER_V2 = """
            {"type":"record","name":"User","namespace":"io.eventline.test",
             "fields":[{"name":"name","type":"string"},
                       {"name":"email","type":["null","string"],"default":null}]}""";
    /** V1 plus a required age: FORWARD compatible with V1, not BACKWARD (no default to read V1 data with). */
    static final String USER_REQUIRED_AGE = """
            {"type":"record","name":"User","namespace":"io.eventline.test",
             "fields":[{"name":"name","type":"string"},{"name":"age","type":"int"}]}""";
    /** V1 without its name: BACKWARD compatible with V1, not FORWARD (V1 cannot read a record without name). */
    static final String USER_NO_NAME = """
            {"type":"record","name":"User","namespace":"io.eventline.test","fields":[]}""";
    /** The name back as an int with a default: BACKWARD to {@link #USER_NO_NAME}, not to {@link #USER_V1}. */
    static final String USER_INT_NAME = """
            {"type":"record","name":"User","namespace":"io.eventline.test",
             "fields":[{"name":"name","type":"int","default":0}]}""";
    /** An unrelated record type. */
    static final String ORDER = """
            {"type":"record","name":"Order","namespace":"io.eventline.test",
             "fields":[{"name":"id","type":"long"},{"name":"amount","type":"double"}]}""";

    private Schemas() {
    }
}
