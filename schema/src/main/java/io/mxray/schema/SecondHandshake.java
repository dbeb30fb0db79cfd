package io.mxray.schema;

import java.util.Objects;

/**
 * The second handshake of a probe, which asks for the other key type: after an ECDSA certificate
 * it offers only RSA signature algorithms (and, for TLS 1.2, only RSA cipher suites), after an RSA
 * one only ECDSA. A server that holds both keys then presents the other certificate; one that
 * holds a single key refuses the handshake, which is no fault.
 *
 * @param offered the key type asked for ({@code rsa}, {@code ecdsa}), or null when skipped
 * @param outcome {@code tls-established} (the other certificate is in the probe's certificates),
 *                {@code handshake-failed} (no certificate of that type, as a rule), another probe
 *                outcome when the connection failed, or {@code skipped}
 * @param reason  the failure's stable key, or why it was skipped ({@code first-handshake-failed},
 *                {@code key-type-eddsa}, {@code disabled}); null on success
 */
public record SecondHandshake(String offered, ProbeOutcome outcome, String reason) {
    public SecondHandshake {
        Objects.requireNonNull(outcome, "outcome");
    }

    public static SecondHandshake skipped(String reason) {
        return new SecondHandshake(null, ProbeOutcome.SKIPPED, reason);
    }

    /** Whether it got a certificate of the offered type. */
    public boolean presented() {
        return outcome == ProbeOutcome.TLS_ESTABLISHED;
    }
}
