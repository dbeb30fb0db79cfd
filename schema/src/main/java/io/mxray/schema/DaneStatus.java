package io.mxray.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What DANE (RFC 7672) says about one MX host. */
public enum DaneStatus implements Keyed {
    /** No TLSA RRset, or not DNSSEC-secure: DANE does not apply. */
    NONE("none"),
    /** A usable TLSA record matched the chain. */
    VALID("valid"),
    /** Usable TLSA records, none matches (or no TLS at all): a DANE sender does not deliver. */
    MISMATCH("mismatch"),
    /** Only unusable records (usage 0/1, unknown parameters): TLS required, not authenticated. */
    UNUSABLE_ONLY("unusable-only"),
    /** The TLSA lookup was bogus or failed: a DANE sender defers all mail. */
    BOGUS("bogus");

    private final String key;

    DaneStatus(String key) {
        this.key = key;
    }

    @JsonValue
    @Override
    public String key() {
        return key;
    }

    @JsonCreator
    public static DaneStatus fromKey(String key) {
        return Keyed.fromKey(DaneStatus.class, key);
    }
}
