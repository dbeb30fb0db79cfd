package io.mxray.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The DNSSEC status of an answer (RFC 4035 section 4.3), from mxray's own validation. */
public enum DnssecStatus implements Keyed {
    /** A chain of signatures leads to the trust anchor. */
    SECURE("secure"),
    /** Provably unsigned: a signed parent proves there is no DS on the way. */
    INSECURE("insecure"),
    /** Signed, but the signatures or the proofs do not validate. */
    BOGUS("bogus"),
    /** No trust anchor covers the name, or validation could not be completed. */
    INDETERMINATE("indeterminate");

    private final String key;

    DnssecStatus(String key) {
        this.key = key;
    }

    @JsonValue
    @Override
    public String key() {
        return key;
    }

    @JsonCreator
    public static DnssecStatus fromKey(String key) {
        return Keyed.fromKey(DnssecStatus.class, key);
    }
}
