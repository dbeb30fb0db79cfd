package io.mxray.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Whether an MX host name matches the domain's MTA-STS policy (RFC 8461 section 4.1). */
public enum StsMatch implements Keyed {
    /** One of the policy's patterns names the host. */
    MATCH("match"),
    /** None does: an MTA-STS sender in enforce mode does not deliver to the host. */
    NO_MATCH("no-match");

    private final String key;

    StsMatch(String key) {
        this.key = key;
    }

    @JsonValue
    @Override
    public String key() {
        return key;
    }

    @JsonCreator
    public static StsMatch fromKey(String key) {
        return Keyed.fromKey(StsMatch.class, key);
    }
}
