package io.mxray.runtime;

import java.util.Locale;
import javax.net.ssl.SSLException;

/** Stable keys for failed TLS handshakes of the JDK's engine. */
public final class TlsFailures {
    /** The key of a failure the engine does not describe further. */
    public static final String UNKNOWN = "handshake-error";

    private TlsFailures() {
    }

    /**
     * The alert when there is one ({@code alert-handshake-failure}, {@code alert-protocol-version},
     * ...), else what the engine refused ({@code no-common-protocol}, {@code no-common-cipher},
     * {@code not-tls}), else {@link #UNKNOWN}. The JDK's engine exposes no alert code or failure
     * type beyond {@link SSLException} (and an alert inside an encrypted TLS 1.3 handshake never
     * reaches a sniffer on the wire), so its message is the only place that says which.
     */
    public static String reason(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (t instanceof SSLException && m != null) {
                String lower = m.toLowerCase(Locale.ROOT);
                int alert = lower.indexOf("received fatal alert: ");
                if (alert >= 0) {
                    return "alert-" + lower.substring(alert + 22).strip().replace('_', '-');
                }
                if (lower.contains("no appropriate protocol")) {
                    return "no-common-protocol";
                }
                if (lower.contains("no negotiable cipher") || lower.contains("no cipher suites in common")) {
                    return "no-common-cipher";
                }
                if (lower.contains("unrecognized ssl message") || lower.contains("plaintext connection")) {
                    return "not-tls";
                }
            }
        }
        return UNKNOWN;
    }
}
