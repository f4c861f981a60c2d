package io.containerlogging.forward.syslog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway CA and a server certificate it signed, for {@code localhost} and {@code 127.0.0.1},
 * made with the {@code openssl} command (keytool cannot write the private key rsyslog needs).
 * EC P-256 keys: quick to generate, and both GnuTLS and the JDK take them.
 */
final class TestCertificates {

    private TestCertificates() {
    }

    /** Makes {@code ca.pem}, {@code server.pem} and {@code server.key} in {@code dir}. */
    static RsyslogServer.Tls create(Path dir, String caName) throws IOException {
        Path caKey = dir.resolve("ca.key");
        Path ca = dir.resolve("ca.pem");
        Path key = dir.resolve("server.key");
        Path csr = dir.resolve("server.csr");
        Path cert = dir.resolve("server.pem");
        Path ext = dir.resolve("server.ext");
        Files.writeString(ext, "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                + "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", caKey.toString(), "-out", ca.toString(), "-days", "2", "-subj", "/CN=" + caName,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=localhost");
        openssl("x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-out", cert.toString(), "-days", "2", "-extfile", ext.toString());
        return new RsyslogServer.Tls(ca, cert, key);
    }

    /** The server's key and certificate as a PKCS#12 key store with password {@code password}, for a JDK server. */
    static Path pkcs12(RsyslogServer.Tls tls, String password) throws IOException {
        Path store = tls.keyFile().resolveSibling("server.p12");
        openssl("pkcs12", "-export", "-in", tls.certFile().toString(), "-inkey", tls.keyFile().toString(),
                "-out", store.toString(), "-passout", "pass:" + password);
        return store;
    }

    private static void openssl(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
