package io.mxray.lab;

import java.time.Duration;
import java.util.Objects;

/**
 * What a lab HTTPS server answers for one MTA-STS policy host (RFC 8461 section 3.3).
 *
 * @param cert        the certificate presented for the host
 * @param status      the response status
 * @param contentType the Content-Type header, or null for none
 * @param body        the body, as bytes of this text (UTF-8)
 * @param location    a Location header (for redirects), or null
 * @param delay       waited before the response
 * @param address     where {@code mta-sts.<domain>} points instead of the lab's policy server (a trap
 *                    mxray must not contact: nothing listens there), or null
 */
public record PolicySpec(Cert cert, int status, String contentType, String body, String location, Duration delay,
                         String address) {
    /** The certificate the policy host presents. */
    public enum Cert {
        /** From the lab CA, naming {@code mta-sts.<domain>}. */
        VALID,
        /** Self-signed, naming the host. */
        SELF_SIGNED,
        /** From the lab CA, naming another host. */
        WRONG_NAME,
        /** From the lab CA, naming the host, expired. */
        EXPIRED
    }

    public PolicySpec {
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(delay, "delay");
    }

    public PolicySpec(Cert cert, int status, String contentType, String body, String location, Duration delay) {
        this(cert, status, contentType, body, location, delay, null);
    }

    /** The policy host at {@code ip}, a private address in a scenario that must never be contacted. */
    public PolicySpec at(String ip) {
        return new PolicySpec(cert, status, contentType, body, location, delay, ip);
    }

    /** A policy served as RFC 8461 asks. */
    public static PolicySpec serving(String policy) {
        return new PolicySpec(Cert.VALID, 200, "text/plain", policy, null, Duration.ZERO);
    }

    public PolicySpec withCert(Cert c) {
        return new PolicySpec(c, status, contentType, body, location, delay);
    }

    public PolicySpec withStatus(int s, String newLocation) {
        return new PolicySpec(cert, s, contentType, body, newLocation, delay);
    }

    public PolicySpec withContentType(String type) {
        return new PolicySpec(cert, status, type, body, location, delay);
    }

    public PolicySpec withDelay(Duration d) {
        return new PolicySpec(cert, status, contentType, body, location, d);
    }

    /** An enforce policy listing these MX patterns, for a day. */
    public static String policy(String mode, String... mx) {
        StringBuilder b = new StringBuilder("version: STSv1\r\nmode: ").append(mode).append("\r\n");
        for (String m : mx) {
            b.append("mx: ").append(m).append("\r\n");
        }
        return b.append("max_age: 86400\r\n").toString();
    }
}
