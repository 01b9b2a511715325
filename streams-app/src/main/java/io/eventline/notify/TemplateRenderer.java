package io.eventline.notify;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders a template's bodies with Mustache. Only the HTML e-mail body is escaped. A placeholder without a value
 * fails the whole notification ({@link MissingParameterException}) rather than render a blank.
 */
public final class TemplateRenderer {
    private static final int CACHE_SIZE = 1024;
    private final Mustache.Compiler plain = Mustache.compiler().escapeHTML(false).strictSections(true);
    private final Mustache.Compiler html = Mustache.compiler().escapeHTML(true).strictSections(true);
    /**
     * Compiled parts by their text (and escaping): templates change rarely and are used constantly, and keying by
     * text, not version, stays right even if two instances publish the same version number concurrently.
     */
    private final Map<String, Template> compiled = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Template> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    /** One channel's rendered text; parts a channel lacks are null. */
    public record Rendered(String title, String body, String subject, String html) {
    }

    /** A template part that does not compile, with where. */
    public static final class InvalidTemplateException extends RuntimeException {
        public InvalidTemplateException(String message) {
            super(message);
        }
    }

    /** A placeholder with no value among the params. */
    public static final class MissingParameterException extends RuntimeException {
        public MissingParameterException(String message) {
            super(message);
        }
    }

    public Rendered render(NotificationTemplate template, NotificationChannel channel, Map<String, String> params) {
        return switch (channel) {
            case PUSH -> new Rendered(part(template, "push.title", template.getPush().getTitle(), params, false),
                    part(template, "push.body", template.getPush().getBody(), params, false), null, null);
            case INAPP -> new Rendered(part(template, "inapp.title", template.getInapp().getTitle(), params, false),
                    part(template, "inapp.body", template.getInapp().getBody(), params, false), null, null);
            case SMS -> new Rendered(null, part(template, "sms.text", template.getSms().getText(), params, false),
                    null, null);
            case EMAIL -> new Rendered(null, part(template, "email.body", template.getEmail().getBody(), params, false),
                    part(template, "email.subject", template.getEmail().getSubject(), params, false),
                    template.getEmail().getHtml() == null ? null
                            : part(template, "email.html", template.getEmail().getHtml(), params, true));
        };
    }

    /** Compiles every part, so a template that cannot render is refused when it is saved. */
    public static void validate(String part, String text) {
        try {
            Mustache.compiler().compile(text);
        } catch (MustacheException e) {
            throw new InvalidTemplateException(part + ": " + e.getMessage());
        }
    }

    private String part(NotificationTemplate template, String part, String text, Map<String, String> params,
                        boolean escaped) {
        final Template compiledPart;
        synchronized (compiled) {
            compiledPart = compiled.computeIfAbsent((escaped ? "html\u0000" : "text\u0000") + text,
                    key -> (escaped ? html : plain).compile(text));
        }
        try {
            return compiledPart.execute(params);
        } catch (MustacheException.Context e) {
            throw new MissingParameterException("template " + template.getName() + " v" + template.getVersion()
                    + " " + part + ": missing parameter '" + e.key + "'");
        } catch (MustacheException e) {
            throw new MissingParameterException("template " + template.getName() + " v" + template.getVersion()
                    + " " + part + ": " + e.getMessage());
        }
    }
}
