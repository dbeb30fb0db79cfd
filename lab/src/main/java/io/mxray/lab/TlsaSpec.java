package io.mxray.lab;

/**
 * A TLSA record at {@code _25._tcp.<MX host>}: its parameters and what its data is computed from.
 * The lab computes the association data from the certificates it made.
 */
public record TlsaSpec(int usage, int selector, int matching, Target target) {

    /** What the record's data describes. */
    public enum Target {
        /** The host's own leaf certificate (the ECDSA one of a dual-key host). */
        LEAF,
        /** The RSA leaf of a dual-key host ({@link CertSpec#DUAL_ECDSA_RSA}). */
        LEAF_RSA,
        /** The private CA that issued the host's leaf (for DANE-TA). */
        PRIVATE_CA,
        /** The lab CA. */
        LAB_CA,
        /** A key the host does not use (a stale record, or a plain mismatch). */
        OTHER_KEY
    }

    public static TlsaSpec of(int usage, int selector, int matching, Target target) {
        return new TlsaSpec(usage, selector, matching, target);
    }
}
