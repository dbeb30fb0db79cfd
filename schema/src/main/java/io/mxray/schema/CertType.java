package io.mxray.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The kind of certificate an MX host presented (the seed measurement's chart categories). */
public enum CertType implements Keyed {
    CA_VALID("ca-valid"),
    CA_NAME_MISMATCH("ca-name-mismatch"),
    EXPIRED("expired"),
    NOT_YET_VALID("not-yet-valid"),
    SELF_SIGNED("self-signed"),
    UNTRUSTED_ISSUER("untrusted-issuer"),
    /** Matched by DANE, not by PKIX. */
    DANE_ONLY("dane-only");

    private final String key;

    CertType(String key) {
        this.key = key;
    }

    @JsonValue
    @Override
    public String key() {
        return key;
    }

    @JsonCreator
    public static CertType fromKey(String key) {
        return Keyed.fromKey(CertType.class, key);
    }
}
