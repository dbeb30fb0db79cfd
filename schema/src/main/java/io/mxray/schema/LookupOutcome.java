package io.mxray.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How one DNS lookup (for example the addresses of an MX host) ended. */
public enum LookupOutcome implements Keyed {
    OK("ok"),
    NXDOMAIN("nxdomain"),
    /** The name exists but has no record of the type asked. */
    NODATA("nodata"),
    SERVFAIL("servfail"),
    TIMEOUT("timeout"),
    ERROR("error");

    private final String key;

    LookupOutcome(String key) {
        this.key = key;
    }

    @JsonValue
    @Override
    public String key() {
        return key;
    }

    @JsonCreator
    public static LookupOutcome fromKey(String key) {
        return Keyed.fromKey(LookupOutcome.class, key);
    }
}
