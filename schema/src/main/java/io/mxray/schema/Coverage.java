package io.mxray.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Whether all, some or none of a domain's MX host addresses have a property (STARTTLS, DANE). */
public enum Coverage implements Keyed {
    ALL("all"),
    SOME("some"),
    NONE("none"),
    /** No MX host address to judge (null MX, NXDOMAIN, all unreachable, ...). */
    NOT_APPLICABLE("n/a");

    private final String key;

    Coverage(String key) {
        this.key = key;
    }

    @JsonValue
    @Override
    public String key() {
        return key;
    }

    @JsonCreator
    public static Coverage fromKey(String key) {
        return Keyed.fromKey(Coverage.class, key);
    }
}
