package io.eventline.notify.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/** PEM decoding for provider keys (PKCS#8) and CA certificates. */
final class Pem {

    private Pem() {}

    /** Decodes a {@code -----BEGIN PRIVATE KEY-----} block; {@code algorithm} is "EC" or "RSA". */
    static PrivateKey privateKey(String pem, String algorithm) {
        if (pem.contains("BEGIN EC PRIVATE KEY") || pem.contains("BEGIN RSA PRIVATE KEY")) {
            throw new IllegalArgumentException("expected a PKCS#8 key (BEGIN PRIVATE KEY), got a traditional-format key");
        }
        final String base64 = pem
                .replaceAll("-----BEGIN [A-Z ]+-----", "")
                .replaceAll("-----END [A-Z ]+-----", "")
                .replaceAll("\\s", "");
        try {
            final byte[] der = Base64.getDecoder().decode(base64);
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IllegalArgumentException("not a PKCS#8 " + algorithm + " private key", e);
        }
    }

    static PrivateKey privateKey(Path file, String algorithm) {
        try {
            return privateKey(Files.readString(file), algorithm);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read private key " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    static List<X509Certificate> certificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            final List<X509Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in).stream().map(X509Certificate.class::cast).toList();
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + file);
            }
            return certificates;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read CA certificate " + file, e);
        }
    }
}
