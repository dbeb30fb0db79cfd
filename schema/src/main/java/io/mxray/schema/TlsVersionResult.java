package io.mxray.schema;

import java.util.Map;

/**
 * What a probe found when it offered one TLS version alone: the values of
 * {@link ProbeResult#tlsVersions()}.
 */
public final class TlsVersionResult {
    /** The handshake completed. */
    public static final String ACCEPTED = "accepted";
    /** The server refused it (a failed handshake, or a newer version chosen when all were offered). */
    public static final String REFUSED = "refused";

    private TlsVersionResult() {
    }

    /** From the outcome of a connection that offered one version only. */
    public static String of(ProbeOutcome outcome, String reason) {
        return switch (outcome) {
            case TLS_ESTABLISHED -> ACCEPTED;
            case HANDSHAKE_FAILED -> REFUSED;
            // the connection did not get as far as the handshake: nothing is known of the version
            default -> "unknown:" + outcome.key() + (reason == null ? "" : ":" + reason);
        };
    }

    /** Whether a server that accepts these versions still accepts TLS 1.0 or 1.1. */
    public static boolean acceptsLegacy(Map<String, String> versions) {
        return ACCEPTED.equals(versions.get("TLSv1")) || ACCEPTED.equals(versions.get("TLSv1.1"));
    }

    /** Whether it accepts TLS 1.2 or 1.3. */
    public static boolean acceptsModern(Map<String, String> versions) {
        return ACCEPTED.equals(versions.get("TLSv1.3")) || ACCEPTED.equals(versions.get("TLSv1.2"));
    }
}
