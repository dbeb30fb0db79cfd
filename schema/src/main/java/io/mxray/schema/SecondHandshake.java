package io.mxray.schema;

import java.util.Objects;

/**
 * The second handshake of a probe, which asks for the other key type: after an ECDSA certificate
 * it offers only RSA signature algorithms (and, for TLS 1.2, only RSA cipher suites), after an RSA
 * one only ECDSA. A server that holds both keys then presents the other certificate; one that
 * holds a single key refuses the handshake, which is no fault.
 *
 * @param offered the key type asked for, or null when skipped
 * @param outcome {@code tls-established} (the other certificate is in the probe's certificates),
 *                {@code handshake-failed} (no certificate of that type, as a rule), another probe
 *                outcome when the connection failed, or {@code skipped}
 * @param reason  the failure's stable key, or why it was skipped ({@link Skip}); null on success
 */
public record SecondHandshake(KeyType offered, ProbeOutcome outcome, String reason) {
    public SecondHandshake {
        Objects.requireNonNull(outcome, "outcome");
    }

    public static SecondHandshake skipped(Skip why) {
        return new SecondHandshake(null, ProbeOutcome.SKIPPED, why.key());
    }

    /** Skipped because the first certificate's key type has no other to ask for ({@code key-type-eddsa}, ...). */
    public static SecondHandshake skipped(KeyType had) {
        return new SecondHandshake(null, ProbeOutcome.SKIPPED, "key-type-" + had.key());
    }

    /** Why no second handshake was made, besides the key type having no counterpart. */
    public enum Skip implements Keyed {
        /** The probe was configured not to ask for every certificate. */
        DISABLED("disabled"),
        /** The first handshake failed: there is no first key type to ask past. */
        FIRST_HANDSHAKE_FAILED("first-handshake-failed"),
        /** The first handshake completed without a certificate. */
        NO_CERTIFICATE("key-type-none");

        private final String key;

        Skip(String key) {
            this.key = key;
        }

        @Override
        public String key() {
            return key;
        }
    }

    /** Whether it got a certificate of the offered type. */
    public boolean presented() {
        return outcome == ProbeOutcome.TLS_ESTABLISHED;
    }
}
