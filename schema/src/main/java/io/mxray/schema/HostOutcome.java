package io.mxray.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How one MX host address of a domain ended in the domain's verdict: its probe's
 * {@link ProbeOutcome}, or one of the two ways a row can stand without a probe result.
 */
public enum HostOutcome implements Keyed {
    TLS_ESTABLISHED(ProbeOutcome.TLS_ESTABLISHED),
    NO_STARTTLS(ProbeOutcome.NO_STARTTLS),
    STARTTLS_REFUSED(ProbeOutcome.STARTTLS_REFUSED),
    HANDSHAKE_FAILED(ProbeOutcome.HANDSHAKE_FAILED),
    CONNECTION_REFUSED(ProbeOutcome.CONNECTION_REFUSED),
    CONNECT_TIMEOUT(ProbeOutcome.CONNECT_TIMEOUT),
    BANNER_TIMEOUT(ProbeOutcome.BANNER_TIMEOUT),
    REJECTED(ProbeOutcome.REJECTED),
    EHLO_FAILED(ProbeOutcome.EHLO_FAILED),
    TIMEOUT(ProbeOutcome.TIMEOUT),
    PROTOCOL_ERROR(ProbeOutcome.PROTOCOL_ERROR),
    NETWORK_ERROR(ProbeOutcome.NETWORK_ERROR),
    SKIPPED(ProbeOutcome.SKIPPED),
    /** The host has no address to probe (its address lookup failed or found none). */
    NO_ADDRESS("no-address"),
    /** The probe's result never arrived (the domain was finalized incomplete). */
    MISSING("missing");

    private final String key;

    HostOutcome(ProbeOutcome probe) {
        this(probe.key());
    }

    HostOutcome(String key) {
        this.key = key;
    }

    /** The outcome of a host whose probe ended as {@code probe}. */
    public static HostOutcome of(ProbeOutcome probe) {
        return valueOf(probe.name());
    }

    @JsonValue
    @Override
    public String key() {
        return key;
    }

    @JsonCreator
    public static HostOutcome fromKey(String key) {
        return Keyed.fromKey(HostOutcome.class, key);
    }
}
