package io.mxray.schema;

import java.security.Security;
import java.util.List;
import java.util.Locale;

/**
 * What TLS a measurement must be able to speak, shared by the scanner and the lab (which must
 * agree on it). The JDK's default {@code jdk.tls.disabledAlgorithms} refuses TLS 1.0 and 1.1,
 * RC4, 3DES, small DH groups and (in newer JDKs) static RSA key exchange: a scanner that keeps it
 * reports servers that speak only those as handshake failures instead of measuring them. mxray
 * re-enables everything but SSLv3, NULL (no encryption) and anonymous (no certificate) suites,
 * and records separately whether a session would satisfy a modern client ({@link #legacy}).
 *
 * <p>The property is read once, when JSSE first initialises: {@link #widen()} must run before
 * the first TLS context of the JVM is made. Every mxray entry point and the lab call it.
 */
public final class TlsCoverage {
    /** Protocols the scanner offers, newest first. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1");
    /** What stays disabled. */
    static final String DISABLED = "SSLv3, DTLSv1.0, NULL, anon";
    private static boolean widened;

    private TlsCoverage() {
    }

    /** Re-enables legacy protocols and suites for this JVM; idempotent. */
    public static synchronized void widen() {
        if (!widened) {
            Security.setProperty("jdk.tls.disabledAlgorithms", DISABLED);
            widened = true;
        }
    }

    /**
     * Why a negotiated session would not satisfy a modern client (RFC 8996: no TLS 1.0 or 1.1;
     * RFC 7465: no RC4; no 3DES, export, static RSA key exchange or DH groups under 2048 bits), as a
     * reason key, or null when it would.
     *
     * @param group the key exchange group as recorded ({@code dhe-1024}, {@code x25519}), or null
     */
    public static String legacy(String protocol, String cipher, String group) {
        if ("TLSv1".equals(protocol) || "TLSv1.1".equals(protocol) || "SSLv3".equals(protocol)) {
            return "protocol-" + protocol.toLowerCase(Locale.ROOT);
        }
        String c = cipher == null ? "" : cipher.toUpperCase(Locale.ROOT);
        if (c.contains("_RC4_")) {
            return "cipher-rc4";
        }
        if (c.contains("3DES") || c.contains("_DES_") || c.contains("DES40")) {
            return "cipher-des";
        }
        if (c.contains("EXPORT")) {
            return "cipher-export";
        }
        if (c.startsWith("TLS_RSA_") || c.startsWith("SSL_RSA_")) {
            return "key-exchange-rsa";
        }
        if (group != null && group.startsWith("dhe-")) {
            try {
                if (Integer.parseInt(group.substring(4)) < 2048) {
                    return "dh-group-small";
                }
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
