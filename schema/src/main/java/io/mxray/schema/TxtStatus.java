package io.mxray.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a policy TXT record lookup (MTA-STS, TLS-RPT) found. */
public enum TxtStatus implements Keyed {
    /** No record of the policy's version at the name. */
    NONE("none"),
    VALID("valid"),
    /** A record of the policy's version that breaks its syntax. */
    MALFORMED("malformed"),
    /** More than one record of the policy's version: the policy is ignored (RFC 8461 3.1). */
    MULTIPLE("multiple"),
    /** The lookup failed (SERVFAIL, timeout, bogus). */
    LOOKUP_FAILED("lookup-failed");

    private final String key;

    TxtStatus(String key) {
        this.key = key;
    }

    @JsonValue
    @Override
    public String key() {
        return key;
    }

    @JsonCreator
    public static TxtStatus fromKey(String key) {
        return Keyed.fromKey(TxtStatus.class, key);
    }
}
