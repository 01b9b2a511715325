package io.eventline.notify.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/** Keys, PEM files and a JWT check written against the JDK alone, independent of the library that signs. */
public final class TestCrypto {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TestCrypto() {}

    public record Jwt(JsonNode header, JsonNode claims) {}

    public static KeyPair ecP256() throws GeneralSecurityException {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    public static KeyPair rsa2048() throws GeneralSecurityException {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    public static String pkcs8Pem(PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    public static Path write(Path file, String content) {
        try {
            return Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** ES256 signatures are the raw 64-byte R||S concatenation (RFC 7518 §3.4), hence the P1363 variant. */
    public static Jwt verifyEs256(String jwt, PublicKey key) throws Exception {
        return verify(jwt, key, "SHA256withECDSAinP1363Format");
    }

    public static Jwt verifyRs256(String jwt, PublicKey key) throws Exception {
        return verify(jwt, key, "SHA256withRSA");
    }

    private static Jwt verify(String jwt, PublicKey key, String jcaAlgorithm) throws Exception {
        final String[] parts = jwt.split("\\.");
        assertThat(parts).as("compact JWS has three parts").hasSize(3);
        final Signature signature = Signature.getInstance(jcaAlgorithm);
        signature.initVerify(key);
        signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(signature.verify(Base64.getUrlDecoder().decode(parts[2])))
                .as("JWT signature verifies with the public key").isTrue();
        return new Jwt(JSON.readTree(Base64.getUrlDecoder().decode(parts[0])), JSON.readTree(Base64.getUrlDecoder().decode(parts[1])));
    }
}
