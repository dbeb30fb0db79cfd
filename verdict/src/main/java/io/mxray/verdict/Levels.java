package io.mxray.verdict;

import io.mxray.schema.CertType;
import io.mxray.schema.DaneResult;
import io.mxray.schema.DaneStatus;
import io.mxray.schema.Level;
import io.mxray.schema.ProbeOutcome;

/** The level of a probe: from the certificate judgements with TLS, from the outcome without. */
public final class Levels {
    private Levels() {
    }

    /**
     * The level of a probe that established TLS (SPEC, Verdicts). When DANE applies (a usable
     * record in a DNSSEC-secure TLSA RRset: status {@code valid} or {@code mismatch}) the level is
     * DANE's alone, as a DANE sender never falls back to the web PKI for such a host (RFC 7672
     * section 2.2): {@code verified} when a usable record matched, {@code untrusted} when none did,
     * whatever the web PKI says. Otherwise (no TLSA, insecure, unusable-only, bogus) it is the web
     * PKI's. The certificate type stays the web PKI's, except {@code dane-only} for a chain that
     * DANE authenticates and the web PKI does not verify.
     *
     * @param pkix the web PKI judgement of the chain for the MX host name
     * @param dane what DANE says of the same chain
     */
    public static Judgement withTls(Judgement pkix, DaneResult dane) {
        DaneStatus status = dane == null ? DaneStatus.NONE : dane.status();
        return switch (status) {
            case VALID -> new Judgement(Level.VERIFIED,
                    pkix.level() == Level.VERIFIED ? pkix.certType() : CertType.DANE_ONLY, dane.check().key(), null);
            case MISMATCH -> new Judgement(Level.UNTRUSTED, pkix.certType(), DANE_MISMATCH,
                    dane.reason() == null ? null : dane.reason().text());
            case NONE, UNUSABLE_ONLY, BOGUS -> pkix;
        };
    }

    /** The deciding check of a level that DANE made {@code untrusted}. */
    public static final String DANE_MISMATCH = "dane";

    /**
     * @param inTls whether the probe ended in the STARTTLS command or the handshake
     * @return null for a host that was not contacted (skipped)
     */
    public static Level withoutTls(ProbeOutcome outcome, boolean inTls) {
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
