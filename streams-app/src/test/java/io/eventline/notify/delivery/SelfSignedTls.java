package io.eventline.notify.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PKCS#12 keystore for a TLS server on localhost and its certificate as PEM. The JDK has no public API to
 * issue certificates, so keytool makes the key pair; the PEM export is done in-process.
 */
public record SelfSignedTls(Path keystore, String password, Path certificatePem) {

    public static SelfSignedTls create(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
        final Path keystore = dir.resolve("server.p12");
        final String password = "changeit";
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-sigalg", "SHA256withECDSA", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", password, "-keypass", password);
        final KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, password.toCharArray());
        }
        final String pem = "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(store.getCertificate("server").getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        return new SelfSignedTls(keystore, password, Files.writeString(dir.resolve("server-ca.pem"), pem));
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        // a short-lived tool: skip the optimising JIT
        command.add("-J-XX:TieredStopAtLevel=1");
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
    }
}
