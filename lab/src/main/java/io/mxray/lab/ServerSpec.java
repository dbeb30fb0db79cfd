package io.mxray.lab;

import java.util.Objects;

/**
 * How a lab MX host's server behaves on its SMTP port.
 *
 * @param listening false: nothing listens, connections are refused
 * @param starttls  whether EHLO advertises STARTTLS
 * @param cert      the chain presented after STARTTLS (null without STARTTLS)
 * @param tls       the TLS versions the server accepts
 */
public record ServerSpec(boolean listening, Behavior behavior, boolean starttls, CertSpec cert, TlsVersions tls) {

    /** Which TLS protocol versions a server accepts. */
    public enum TlsVersions {
        TLS12_AND_13("TLSv1.3", "TLSv1.2"),
        TLS12_ONLY("TLSv1.2"),
        TLS13_ONLY("TLSv1.3"),
        /** Legacy (RFC 8996 deprecates it): a scanner must still measure it. */
        TLS10_ONLY("TLSv1"),
        /** Every version from 1.0 to 1.3: modern, and still the legacy ones. */
        TLS10_TO_13("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"),
        /** TLS 1.1 and 1.0 only: nothing newer than 1.1. */
        TLS10_AND_11("TLSv1.1", "TLSv1");

        private final String[] protocols;

        TlsVersions(String... protocols) {
            this.protocols = protocols;
        }

        public String[] protocols() {
            return protocols.clone();
        }
    }

    public ServerSpec {
        Objects.requireNonNull(behavior);
        Objects.requireNonNull(tls);
        if (starttls && cert == null) {
            throw new IllegalArgumentException("a STARTTLS server needs a certificate");
        }
    }

    public static ServerSpec starttls(CertSpec cert) {
        return new ServerSpec(true, Behavior.NORMAL, true, cert, TlsVersions.TLS12_AND_13);
    }

    public static ServerSpec noStarttls() {
        return new ServerSpec(true, Behavior.NORMAL, false, null, TlsVersions.TLS12_AND_13);
    }

    public static ServerSpec refusing() {
        return new ServerSpec(false, Behavior.NORMAL, false, null, TlsVersions.TLS12_AND_13);
    }

    public ServerSpec behaving(Behavior b) {
        return new ServerSpec(listening, b, starttls, cert, tls);
    }

    public ServerSpec versions(TlsVersions v) {
        return new ServerSpec(listening, behavior, starttls, cert, v);
    }
}
