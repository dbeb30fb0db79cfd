package io.mxray.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a probe of one (IP, MX host name) ended: a closed set, kept apart from whatever partial
 * results were gathered. A timeout is never a success and never "not supported".
 */
public enum ProbeOutcome implements Keyed {
    /** STARTTLS offered, accepted and the TLS handshake completed. */
    TLS_ESTABLISHED("tls-established"),
    /** EHLO (or HELO) succeeded and STARTTLS was not offered. */
    NO_STARTTLS("no-starttls"),
    /** STARTTLS offered but the server answered it with 4xx/5xx. */
    STARTTLS_REFUSED("starttls-refused"),
    /** STARTTLS accepted, then the TLS handshake failed. */
    HANDSHAKE_FAILED("handshake-failed"),
    /** TCP connection actively refused (RST). */
    CONNECTION_REFUSED("connection-refused"),
    /** TCP connection did not complete within the connect timeout. */
    CONNECT_TIMEOUT("connect-timeout"),
    /** Connected, but no complete greeting arrived in time. */
    BANNER_TIMEOUT("banner-timeout"),
    /** The greeting was not 220 (for example 421 or 554): the server refuses the session. */
    REJECTED("rejected"),
    /** EHLO and HELO were both refused. */
    EHLO_FAILED("ehlo-failed"),
    /** A later step (EHLO, STARTTLS, handshake) did not answer in time. */
    TIMEOUT("timeout"),
    /** The server broke the protocol: malformed reply, overlong line, too many lines or bytes. */
    PROTOCOL_ERROR("protocol-error"),
    /** Some other network failure (unreachable network, reset mid-session, ...). */
    NETWORK_ERROR("network-error"),
    /** Not contacted by policy (opt-out list, private or reserved address). */
    SKIPPED("skipped");

    private final String key;

    ProbeOutcome(String key) {
        this.key = key;
    }

    @JsonValue
    @Override
    public String key() {
        return key;
    }

    @JsonCreator
    public static ProbeOutcome fromKey(String key) {
        return Keyed.fromKey(ProbeOutcome.class, key);
    }
}
