package io.mxray.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where DANE applies to a host: how many of the certificates it presents (one per key type, for
 * example an ECDSA and an RSA one) a usable TLSA record matches. A server picks its certificate
 * by the client's signature algorithms, so with {@code partial} some DANE senders get a
 * certificate that no record matches and do not deliver.
 */
public enum KeyCoverage implements Keyed {
    /** Every certificate presented is matched. */
    MATCH("match"),
    /** Some are, some are not. */
    PARTIAL("partial"),
    /** None is. */
    NONE("none");

    private final String key;

    KeyCoverage(String key) {
        this.key = key;
    }

    @JsonValue
    @Override
    public String key() {
        return key;
    }

    @JsonCreator
    public static KeyCoverage fromKey(String key) {
        return Keyed.fromKey(KeyCoverage.class, key);
    }

    /** From the number of certificates presented and how many of them were matched. */
    public static KeyCoverage of(int presented, int matched) {
        return matched == 0 ? NONE : matched >= presented ? MATCH : PARTIAL;
    }
}
