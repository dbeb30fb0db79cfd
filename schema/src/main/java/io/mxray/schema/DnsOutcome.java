package io.mxray.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How the MX resolution of a domain ended (RFC 5321 section 5.1, RFC 7505). */
public enum DnsOutcome implements Keyed {
    /** One or more MX records. */
    MX("mx"),
    /** No MX RRset but an address at the domain itself: the domain is its own MX host. */
    IMPLICIT_MX("implicit-mx"),
    /** A single MX record with the root as exchange (RFC 7505): the domain accepts no mail. */
    NULL_MX("null-mx"),
    /** The domain does not exist. */
    NXDOMAIN("nxdomain"),
    /** The domain exists but has neither MX nor address records. */
    NO_MAIL_HOST("no-mail-host"),
    SERVFAIL("servfail"),
    TIMEOUT("timeout"),
    /** Another resolution failure (refused, malformed answer, ...); the reason says which. */
    ERROR("error");

    private final String key;

    DnsOutcome(String key) {
        this.key = key;
    }

    @JsonValue
    @Override
    public String key() {
        return key;
    }

    @JsonCreator
    public static DnsOutcome fromKey(String key) {
        return Keyed.fromKey(DnsOutcome.class, key);
    }

    /** Whether the domain has MX hosts to probe. */
    public boolean hasMailHosts() {
        return this == MX || this == IMPLICIT_MX;
    }
}
