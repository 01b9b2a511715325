package io.eventline.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateRendererTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private final TemplateRenderer renderer = new TemplateRenderer();

    private static NotificationTemplate template(long version, String pushBody) {
        return NotificationTemplate.newBuilder().setName("welcome").setVersion(version).setUpdatedAt(T0)
                .setPush(new PushTemplate("Hi {{name}}", pushBody))
                .setEmail(new EmailTemplate("Welcome, {{name}}", "Hello {{name}}!", "<h1>Hello {{name}}!</h1>"))
                .setSms(new SmsTemplate("Hello {{name}}"))
                .setInapp(new InAppTemplate("Welcome", "Hello {{name}}")).build();
    }

    @Test
    void shouldRenderEveryChannelsParts() {
        final NotificationTemplate template = template(1, "{{name}} joined {{place}}");
        final Map<String, String> params = Map.of("name", "Ann", "place", "Eventline");

        assertThat(renderer.render(template, NotificationChannel.PUSH, params))
                .isEqualTo(new TemplateRenderer.Rendered("Hi Ann", "Ann joined Eventline", null, null));
        assertThat(renderer.render(template, NotificationChannel.EMAIL, params))
                .isEqualTo(new TemplateRenderer.Rendered(null, "Hello Ann!", "Welcome, Ann", "<h1>Hello Ann!</h1>"));
        assertThat(renderer.render(template, NotificationChannel.SMS, params))
                .isEqualTo(new TemplateRenderer.Rendered(null, "Hello Ann", null, null));
        assertThat(renderer.render(template, NotificationChannel.INAPP, params))
                .isEqualTo(new TemplateRenderer.Rendered("Welcome", "Hello Ann", null, null));
    }

    @Test
    void shouldFailOnAMissingParameterNamingIt() {
        final NotificationTemplate template = template(1, "{{name}} joined {{place}}");

        assertThatThrownBy(() -> renderer.render(template, NotificationChannel.PUSH, Map.of("name", "Ann")))
                .isInstanceOf(TemplateRenderer.MissingParameterException.class)
                .hasMessageContaining("'place'")
                .hasMessageContaining("push.body")
                .hasMessageContaining("welcome v1");
    }

    @Test
    void shouldFailOnAMissingSectionParameter() {
        final NotificationTemplate template = template(1, "{{#vip}}VIP {{/vip}}{{name}}");

        assertThatThrownBy(() -> renderer.render(template, NotificationChannel.PUSH, Map.of("name", "Ann")))
                .isInstanceOf(TemplateRenderer.MissingParameterException.class)
                .hasMessageContaining("vip");
    }

    @Test
    void shouldEscapeValuesInTheHtmlBodyOnly() {
        final NotificationTemplate template = template(1, "{{name}}");
        final Map<String, String> params = Map.of("name", "<b>\"Ann\" & 'co'</b>");

        final TemplateRenderer.Rendered mail = renderer.render(template, NotificationChannel.EMAIL, params);
        final TemplateRenderer.Rendered push = renderer.render(template, NotificationChannel.PUSH, params);
        final TemplateRenderer.Rendered sms = renderer.render(template, NotificationChannel.SMS, params);

        assertThat(mail.html()).doesNotContain("<b>").contains("&lt;b&gt;").contains("&amp;")
                .startsWith("<h1>").endsWith("</h1>");
        assertThat(mail.subject()).isEqualTo("Welcome, <b>\"Ann\" & 'co'</b>");
        assertThat(mail.body()).isEqualTo("Hello <b>\"Ann\" & 'co'</b>!");
        assertThat(push.body()).isEqualTo("<b>\"Ann\" & 'co'</b>");
        assertThat(sms.body()).isEqualTo("Hello <b>\"Ann\" & 'co'</b>");
    }

    @Test
    void shouldLeaveHtmlOutOfAnEmailTemplateWithoutIt() {
        final NotificationTemplate template = template(1, "x");
        template.setEmail(new EmailTemplate("s", "b", null));

        assertThat(renderer.render(template, NotificationChannel.EMAIL, Map.of()))
                .isEqualTo(new TemplateRenderer.Rendered(null, "b", "s", null));
    }

    @Test
    void shouldRenderANewVersionOfATemplateRatherThanTheCachedOne() {
        renderer.render(template(1, "old {{name}}"), NotificationChannel.PUSH, Map.of("name", "Ann"));

        assertThat(renderer.render(template(2, "new {{name}}"), NotificationChannel.PUSH, Map.of("name", "Ann"))
                .body()).isEqualTo("new Ann");
    }

    @Test
    void shouldRefuseATemplateThatDoesNotCompile() {
        assertThatThrownBy(() -> TemplateRenderer.validate("email.html", "<p>{{#open}}never closed</p>"))
                .isInstanceOf(TemplateRenderer.InvalidTemplateException.class)
                .hasMessageStartingWith("email.html: ");
        TemplateRenderer.validate("push.body", "{{name}} is fine");
    }
}
