package io.eventline.notify;

import static io.eventline.http.JsonSchema.arrayOf;
import static io.eventline.http.JsonSchema.bool;
import static io.eventline.http.JsonSchema.formatted;
import static io.eventline.http.JsonSchema.integer;
import static io.eventline.http.JsonSchema.mapOf;
import static io.eventline.http.JsonSchema.object;
import static io.eventline.http.JsonSchema.oneOf;
import static io.eventline.http.JsonSchema.string;

import io.eventline.http.JsonSchema;

/** Notifications' request and response bodies, as their routes declare them. */
final class NotifySchemas {
    private static final JsonSchema CHANNEL = oneOf("push", "email", "sms", "inapp");
    private static final JsonSchema SWITCHES = object().optional("push", bool()).optional("email", bool())
            .optional("sms", bool()).optional("inapp", bool());

    static final JsonSchema REQUEST = object()
            .required("eventId", string(128).describedAs("The caller's ID of the event; a repeat is sent once"))
            .required("userId", string(128).example("alice"))
            .required("template", string(64).example("welcome"))
            .optional("params", mapOf(string()).describedAs("Values for the template's {{placeholders}}"))
            .optional("channels", arrayOf(CHANNEL).describedAs("Only these channels; all the user allows when absent"))
            .optional("createdAt", formatted("date-time"));

    static final JsonSchema REQUEST_ACCEPTED = object().required("eventId", string()).required("userId", string())
            .required("status", oneOf("accepted"));

    static final JsonSchema STATUS = object().required("eventId", string()).required("template", string())
            .optional("requestedBy", string().nullable())
            .required("deliveries", arrayOf(object().required("userId", string()).required("channel", string())
                    .optional("deviceId", string()).required("status", string()).optional("reason", string())
                    .required("attempts", integer()).optional("lastError", string().nullable())
                    .required("updatedAt", formatted("date-time"))));

    static final JsonSchema DEVICE_UPDATE = object().required("platform", oneOf("ios", "android"))
            .required("token", string(4096).example("a1b2c3d4"));

    static final JsonSchema DEVICE = object().required("deviceId", string()).required("platform", string())
            .required("token", string()).required("disabled", bool()).optional("disabledReason", string());

    static final JsonSchema DEVICES = object().required("items", arrayOf(DEVICE));

    static final JsonSchema CONTACT_UPDATE = object().optional("email", formatted("email").nullable())
            .optional("phone", string(16).example("+14155550100").nullable());

    static final JsonSchema CONTACT = object().required("email", string().nullable())
            .required("phone", string().nullable());

    static final JsonSchema SETTINGS = object().optional("channels", SWITCHES)
            .optional("templates", mapOf(SWITCHES)).optional("caps", mapOf(string(32).example("3/day")));

    static final JsonSchema INBOX = object().required("unread", integer())
            .required("items", arrayOf(object().required("id", string()).required("template", string())
                    .required("title", string().nullable()).required("body", string().nullable())
                    .required("createdAt", formatted("date-time")).required("read", bool())))
            .required("nextCursor", string().nullable());

    private static final JsonSchema TITLE_BODY = object().required("title", string()).required("body", string());
    private static final JsonSchema EMAIL = object().required("subject", string()).required("body", string())
            .optional("html", string());
    private static final JsonSchema SMS = object().required("text", string());

    static final JsonSchema TEMPLATE_UPDATE = object().optional("push", TITLE_BODY).optional("email", EMAIL)
            .optional("sms", SMS).optional("inapp", TITLE_BODY);

    static final JsonSchema TEMPLATE = object().required("name", string()).required("version", integer())
            .required("updatedAt", formatted("date-time")).optional("updatedBy", string().nullable())
            .optional("push", TITLE_BODY).optional("email", EMAIL).optional("sms", SMS).optional("inapp", TITLE_BODY);

    static final JsonSchema TEMPLATES = object().required("items", arrayOf(TEMPLATE));

    private NotifySchemas() {
    }
}
