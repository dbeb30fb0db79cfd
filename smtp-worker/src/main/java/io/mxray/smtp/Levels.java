package io.mxray.smtp;

import io.mxray.schema.Level;
import io.mxray.schema.ProbeOutcome;

/** The level of a probe that did not establish TLS, from its outcome and how far it got. */
final class Levels {
    private Levels() {
    }

    /**
     * @param failedAt the step at which the probe ended, or null
     * @return null for a host that was not contacted (skipped)
     */
    static Level withoutTls(ProbeOutcome outcome, ProbeSession.Step failedAt) {
        boolean inTls = failedAt == ProbeSession.Step.STARTTLS || failedAt == ProbeSession.Step.HANDSHAKE;
        return switch (outcome) {
            case TLS_ESTABLISHED -> throw new IllegalArgumentException("judge the certificate instead");
            case NO_STARTTLS, STARTTLS_REFUSED -> Level.PLAINTEXT;
            case HANDSHAKE_FAILED -> Level.TLS_FAILED;
            case PROTOCOL_ERROR, NETWORK_ERROR, TIMEOUT -> inTls ? Level.TLS_FAILED : Level.UNREACHABLE;
            case CONNECTION_REFUSED, CONNECT_TIMEOUT, BANNER_TIMEOUT, REJECTED, EHLO_FAILED -> Level.UNREACHABLE;
            case SKIPPED -> null;
        };
    }
}
