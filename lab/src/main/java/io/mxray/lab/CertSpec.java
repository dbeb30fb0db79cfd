package io.mxray.lab;

/** Which certificate chain a lab SMTP server presents after STARTTLS. */
public enum CertSpec {
    /** ECDSA leaf from the lab CA naming the MX host, valid now. */
    LAB_CA_VALID,
    /** As {@link #LAB_CA_VALID}, sent together with the lab CA's own certificate (for DANE-TA). */
    LAB_CA_WITH_ROOT,
    /** RSA-2048 leaf from the lab CA naming the MX host. */
    LAB_CA_RSA,
    /**
     * Two leaves from the lab CA naming the MX host, one ECDSA and one RSA-2048: the server
     * presents the one the client's signature algorithms (and, in TLS 1.2, cipher suites) ask for,
     * ECDSA when both are offered.
     */
    DUAL_ECDSA_RSA,
    /** Leaf from the lab CA for {@code *.<parent of the MX host>}. */
    WILDCARD,
    /**
     * A hoster's server: for each MX host name it serves, its own ECDSA leaf from the lab CA,
     * chosen by the client's SNI; a client without SNI (or with another name) gets the server's
     * own certificate, which names none of them.
     */
    SNI_PER_NAME,
    /** Leaf from the lab's intermediate CA, sent with the intermediate. */
    INTERMEDIATE_CHAIN,
    /** Leaf from the lab's intermediate CA, sent alone: the chain cannot be built. */
    MISSING_INTERMEDIATE,
    /** Leaf from the lab CA for a name that is not the MX host's. */
    WRONG_NAME,
    /** Leaf from the lab CA naming the MX host, valid now, ending in 10 days. */
    EXPIRING_SOON,
    /** Leaf from the lab CA naming the MX host, validity ended 30 days ago. */
    EXPIRED,
    /** Leaf from the lab CA naming the MX host, validity begins in 30 days. */
    NOT_YET_VALID,
    /** Signed by its own key, naming the MX host. */
    SELF_SIGNED,
    /** Signed by its own key, naming the MX host, expired 30 days ago. */
    SELF_SIGNED_EXPIRED,
    /**
     * As {@link #LAB_CA_VALID}, with markup in its subject's common name ({@link LabCa#HOSTILE_CN}):
     * valid (the name is matched in the subject alternative names, RFC 6125 section 6.4.4), and
     * text to escape wherever it is shown.
     */
    HOSTILE_SUBJECT,
    /** Leaf from a private CA that no bundle trusts, sent with that CA's certificate (for DANE-TA). */
    PRIVATE_CA_CHAIN,
    /** Leaf from the private CA, sent without the CA certificate. */
    PRIVATE_CA_LEAF_ONLY
}
