package io.eventline.operations;

import static io.eventline.http.JsonSchema.any;
import static io.eventline.http.JsonSchema.object;
import static io.eventline.http.JsonSchema.oneOf;
import static io.eventline.http.JsonSchema.string;

import io.eventline.http.JsonSchema;
import io.eventline.http.OpenApiDocument;

/** The bodies of the operations route. */
final class OperationSchemas {
    /** An operation's state. */
    static final JsonSchema OPERATION = object().required("eventId", string())
            .required("status", oneOf("pending", "accepted", "rejected"))
            .optional("result", any().describedAs("The write's answer once accepted"))
            .optional("problem", OpenApiDocument.PROBLEM);

    private OperationSchemas() {
    }
}
