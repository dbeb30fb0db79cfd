package io.mxray.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The security level of one connection to one MX host, in the words of Postfix's
 * {@code posttls-finger} at its {@code verify} level (the MX host name is the name to match).
 *
 * <p>Constants are declared from best to worst; {@link #rank()} orders them so that a domain's
 * worst and best MX host can be computed. A handshake failure ranks below plaintext because an
 * opportunistic sender must first fail, then retry in the clear; unreachable is worst because no
 * mail is delivered at all.
 */
public enum Level implements Keyed {
    VERIFIED("verified"),
    TRUSTED("trusted"),
    UNTRUSTED("untrusted"),
    PLAINTEXT("plaintext"),
    TLS_FAILED("tls-failed"),
    UNREACHABLE("unreachable");

    private final String key;

    Level(String key) {
        this.key = key;
    }

    @JsonValue
    @Override
    public String key() {
        return key;
    }

    @JsonCreator
    public static Level fromKey(String key) {
        return Keyed.fromKey(Level.class, key);
    }

    /** Higher is better. */
    public int rank() {
        return values().length - ordinal();
    }

    public boolean isBetterThan(Level other) {
        return rank() > other.rank();
    }

    /** Whether a TLS session was established (whatever its authentication). */
    public boolean hasTls() {
        return this == VERIFIED || this == TRUSTED || this == UNTRUSTED;
    }
}
