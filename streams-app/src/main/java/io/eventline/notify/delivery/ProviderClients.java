package io.eventline.notify.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.function.Function;

/**
 * The four provider clients, built from one environment-style lookup. A provider without settings gets a
 * {@link NotConfiguredClient} naming the variables to set; a provider whose settings are present but broken
 * (unreadable key file, malformed URL) fails construction, so misconfiguration shows at startup.
 */
public final class ProviderClients implements AutoCloseable {

    private final ProviderClient apns;
    private final ProviderClient fcm;
    private final ProviderClient sms;
    private final ProviderClient email;

    public ProviderClients(ProviderClient apns, ProviderClient fcm, ProviderClient sms, ProviderClient email) {
        this.apns = apns;
        this.fcm = fcm;
        this.sms = sms;
        this.email = email;
    }

    /**
     * Clients configured from {@code lookup}, e.g. {@code System::getenv}.
     *
     * @param json the instance's JSON mapper, for request and response bodies
     */
    public static ProviderClients from(Function<String, String> lookup, ObjectMapper json) {
        return new ProviderClients(
                ApnsSettings.from(lookup).<ProviderClient>map(settings -> new ApnsClient(settings, json))
                        .orElseGet(() -> new NotConfiguredClient(ApnsSettings.notConfiguredReason())),
                FcmSettings.from(lookup, json).<ProviderClient>map(settings -> new FcmClient(settings, json))
                        .orElseGet(() -> new NotConfiguredClient(FcmSettings.notConfiguredReason())),
                TwilioSmsSettings.from(lookup).<ProviderClient>map(settings -> new TwilioSmsClient(settings, json))
                        .orElseGet(() -> new NotConfiguredClient(TwilioSmsSettings.notConfiguredReason())),
                SmtpSettings.from(lookup).<ProviderClient>map(SmtpMailClient::new)
                        .orElseGet(() -> new NotConfiguredClient(SmtpSettings.notConfiguredReason())));
    }

    /** iOS push through APNs. */
    public ProviderClient apns() {
        return apns;
    }

    /** Android and web push through FCM. */
    public ProviderClient fcm() {
        return fcm;
    }

    public ProviderClient sms() {
        return sms;
    }

    public ProviderClient email() {
        return email;
    }

    /** Closes every client, even when one of them fails to close. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (ProviderClient client : List.of(apns, fcm, sms, email)) {
            try {
                client.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
