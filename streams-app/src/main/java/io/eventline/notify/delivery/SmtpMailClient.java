package io.eventline.notify.delivery;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Date;
import java.util.HexFormat;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Submits mail over SMTP with Jakarta Mail: multipart/alternative (text and HTML) or plain text, RFC 8058
 * one-click unsubscribe headers when an unsubscribe URL is given, and a Message-ID derived from the delivery
 * id, so a resent delivery carries the same Message-ID and receivers can recognise the repeat.
 */
public final class SmtpMailClient implements ProviderClient {

    /** Replies to RCPT that mean the mailbox does not exist or cannot be addressed. */
    private static final Set<Integer> DEAD_MAILBOX_CODES = Set.of(550, 551, 553);
    /** RFC 3463 enhanced status code, e.g. 5.1.1; subject 1 is "addressing status". */
    private static final Pattern ENHANCED_STATUS = Pattern.compile("\\b[245]\\.(\\d{1,3})\\.\\d{1,3}\\b");

    private final SmtpSettings settings;
    private final Session session;
    private final InternetAddress from;
    private final String messageIdDomain;

    /** @throws IllegalArgumentException when the sender address is not a valid mailbox */
    public SmtpMailClient(SmtpSettings settings) {
        this.settings = settings;
        try {
            this.from = new InternetAddress(settings.from(), true);
        } catch (AddressException e) {
            throw new IllegalArgumentException("invalid sender address " + settings.from(), e);
        }
        final String address = from.getAddress();
        final int at = address.lastIndexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException("sender address has no domain: " + settings.from());
        }
        this.messageIdDomain = address.substring(at + 1);
        this.session = Session.getInstance(sessionProperties(settings));
    }

    private static Properties sessionProperties(SmtpSettings settings) {
        final Properties properties = new Properties();
        properties.setProperty("mail.transport.protocol", "smtp");
        properties.setProperty("mail.smtp.host", settings.host());
        properties.setProperty("mail.smtp.port", Integer.toString(settings.port()));
        properties.setProperty("mail.smtp.auth", Boolean.toString(settings.username() != null));
        // required, not merely enabled: never fall back to sending credentials and mail in clear text
        properties.setProperty("mail.smtp.starttls.enable", Boolean.toString(settings.startTls()));
        properties.setProperty("mail.smtp.starttls.required", Boolean.toString(settings.startTls()));
        properties.setProperty("mail.smtp.connectiontimeout", Long.toString(settings.connectTimeout().toMillis()));
        properties.setProperty("mail.smtp.timeout", Long.toString(settings.readTimeout().toMillis()));
        properties.setProperty("mail.smtp.writetimeout", Long.toString(settings.readTimeout().toMillis()));
        return properties;
    }

    @Override
    public ProviderResult send(OutgoingMessage message) {
        final String messageId = "<" + sha256Hex(message.deliveryId()) + "@" + messageIdDomain + ">";
        final MimeMessage mime;
        try {
            mime = compose(message, messageId);
        } catch (AddressException e) {
            return new ProviderResult.Permanent("invalid recipient address " + message.address() + ": " + e.getMessage(), true);
        } catch (MessagingException e) {
            return new ProviderResult.Permanent("cannot compose mail: " + e.getMessage(), false);
        }
        try {
            if (settings.username() != null) {
                Transport.send(mime, settings.username(), settings.password());
            } else {
                Transport.send(mime);
            }
            return new ProviderResult.Sent(messageId);
        } catch (MessagingException e) {
            return classify(e);
        }
    }

    private MimeMessage compose(OutgoingMessage message, String messageId) throws MessagingException {
        final MimeMessage mime = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        mime.setFrom(from);
        mime.setRecipient(Message.RecipientType.TO, new InternetAddress(message.address(), true));
        mime.setSubject(message.subject() != null ? message.subject() : message.title(), "UTF-8");
        mime.setSentDate(new Date());
        final String text = message.text() != null ? message.text() : message.body() != null ? message.body() : "";
        if (message.html() != null) {
            final MimeBodyPart textPart = new MimeBodyPart();
            textPart.setText(text, "UTF-8", "plain");
            final MimeBodyPart htmlPart = new MimeBodyPart();
            htmlPart.setText(message.html(), "UTF-8", "html");
            // alternatives go from plainest to richest: clients show the last one they can render
            mime.setContent(new MimeMultipart("alternative", textPart, htmlPart));
        } else {
            mime.setText(text, "UTF-8", "plain");
        }
        if (message.unsubscribeUrl() != null) {
            mime.setHeader("List-Unsubscribe", "<" + message.unsubscribeUrl() + ">");
            mime.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        mime.saveChanges();
        return mime;
    }

    /** Maps a Jakarta Mail failure to a result: rejected recipients by reply code, everything unexplained as transient. */
    static ProviderResult classify(MessagingException failure) {
        if (failure instanceof AuthenticationFailedException) {
            return new ProviderResult.Permanent("SMTP authentication failed: " + failure.getMessage(), false);
        }
        for (Exception e = failure; e != null; e = e instanceof MessagingException m ? m.getNextException() : null) {
            if (e instanceof SMTPAddressFailedException rejected) {
                return recipientRejected(rejected.getReturnCode(), rejected.getMessage());
            }
        }
        if (failure instanceof SMTPSendFailedException rejected) {
            final String error = "SMTP " + rejected.getCommand() + " rejected: " + rejected.getMessage();
            return rejected.getReturnCode() >= 500
                    ? new ProviderResult.Permanent(error, false)
                    : new ProviderResult.Transient(error, null);
        }
        if (failure instanceof SendFailedException rejected
                && rejected.getInvalidAddresses() != null && rejected.getInvalidAddresses().length > 0) {
            return new ProviderResult.Permanent("SMTP recipient rejected: " + failure.getMessage(), true);
        }
        // connection refused, timeouts, 421 and TLS trouble all land here
        return new ProviderResult.Transient("SMTP failure: " + failure, null);
    }

    private static ProviderResult recipientRejected(int replyCode, String reply) {
        final String error = "SMTP recipient rejected: " + (reply == null ? replyCode : reply.strip());
        if (replyCode < 500) {
            return new ProviderResult.Transient(error, null);
        }
        // a 550 5.7.x is a policy block (spam, reputation), not a missing mailbox
        final Matcher enhanced = ENHANCED_STATUS.matcher(reply == null ? "" : reply);
        final boolean addressStatus = !enhanced.find() || "1".equals(enhanced.group(1));
        return new ProviderResult.Permanent(error, DEAD_MAILBOX_CODES.contains(replyCode) && addressStatus);
    }

    private static String sha256Hex(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
        }
    }
}
