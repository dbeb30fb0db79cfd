package io.mxray.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How the fetch of an MTA-STS policy ended. */
public enum PolicyStatus implements Keyed {
    /** A well-formed policy came over validated HTTPS. */
    VALID("valid"),
    /** No policy: the name, the connection, TLS, HTTP or the body failed (the reason says which). */
    FAILED("failed"),
    /** Not contacted by policy (opt-out list, private or reserved address). */
    SKIPPED("skipped");

    private final String key;

    PolicyStatus(String key) {
        this.key = key;
    }

    @JsonValue
    @Override
    public String key() {
        return key;
    }

    @JsonCreator
    public static PolicyStatus fromKey(String key) {
        return Keyed.fromKey(PolicyStatus.class, key);
    }
}
