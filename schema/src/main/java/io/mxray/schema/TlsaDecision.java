package io.mxray.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Whether a host's TLSA records were looked up, and if not why (RFC 7672 section 2.2: only for a
 * host whose address records are DNSSEC-secure).
 */
public enum TlsaDecision implements Keyed {
    LOOKED_UP("looked-up"),
    /** Looked up although the MX RRset is not secure: the host's own records may still be used. */
    LOOKED_UP_MX_INSECURE("looked-up-mx-insecure"),
    SKIPPED_ADDRESS_INSECURE("skipped-address-insecure"),
    SKIPPED_ADDRESS_BOGUS("skipped-address-bogus"),
    /** The address records' status is indeterminate (no validation could be completed). */
    SKIPPED_ADDRESS_UNVALIDATED("skipped-address-unvalidated");

    private final String key;

    TlsaDecision(String key) {
        this.key = key;
    }

    /** Not looked up because the host's addresses have this status (not secure). */
    public static TlsaDecision skipped(DnssecStatus addresses) {
        return switch (addresses) {
            case INSECURE -> SKIPPED_ADDRESS_INSECURE;
            case BOGUS -> SKIPPED_ADDRESS_BOGUS;
            case INDETERMINATE -> SKIPPED_ADDRESS_UNVALIDATED;
            case SECURE -> throw new IllegalArgumentException("a secure host's TLSA records are looked up");
        };
    }

    @JsonValue
    @Override
    public String key() {
        return key;
    }

    @JsonCreator
    public static TlsaDecision fromKey(String key) {
        return Keyed.fromKey(TlsaDecision.class, key);
    }
}
