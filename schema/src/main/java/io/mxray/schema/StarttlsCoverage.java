package io.mxray.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Whether all, some or none of a domain's reachable MX hosts established TLS. */
public enum StarttlsCoverage implements Keyed {
    ALL("all"),
    SOME("some"),
    NONE("none"),
    /** The domain has no MX host that could be asked (null MX, NXDOMAIN, all unreachable, ...). */
    NOT_APPLICABLE("n/a");

    private final String key;

    StarttlsCoverage(String key) {
        this.key = key;
    }

    @JsonValue
    @Override
    public String key() {
        return key;
    }

    @JsonCreator
    public static StarttlsCoverage fromKey(String key) {
        return Keyed.fromKey(StarttlsCoverage.class, key);
    }
}
