package io.mxray.policy;

import io.mxray.runtime.OptOut;
import io.mxray.runtime.ReachOptions;

import java.time.Duration;
import java.util.Objects;

/**
 * How policies are fetched. Every phase has its own timeout (RFC 8461 section 3.3 asks senders for
 * a timeout and a size limit; they suggest a minute in all).
 *
 * @param connectTimeout   per address tried
 * @param handshakeTimeout the TLS handshake
 * @param headerTimeout    from the request sent to the response's status line and headers
 * @param bodyTimeout      from the headers to the body's end
 * @param perIpConnections concurrent connections to one address
 * @param perIpInterval    least time between two connections to one address
 * @param maxInFlight      connections at once in all
 * @param allowNonPublic   also contact loopback, private and reserved addresses (a lab only)
 * @param userAgent        what the request says it is
 * @param port             the HTTPS port (443; only a lab uses another)
 */
public record PolicyConfig(Duration connectTimeout, Duration handshakeTimeout, Duration headerTimeout,
                           Duration bodyTimeout, int perIpConnections, Duration perIpInterval, int maxInFlight,
                           boolean allowNonPublic, OptOut optOut, String userAgent, int port) {
    public static final String CONNECT_TIMEOUT = ReachOptions.CONNECT_TIMEOUT;
    public static final String HANDSHAKE_TIMEOUT = "PT15S";
    public static final String HEADER_TIMEOUT = "PT15S";
    public static final String BODY_TIMEOUT = "PT15S";
    public static final String PER_IP_CONNECTIONS = ReachOptions.PER_IP_CONNECTIONS;
    public static final String PER_IP_INTERVAL = ReachOptions.PER_IP_INTERVAL;
    public static final String PORT = "443";
    public static final String USER_AGENT = "mxray (MTA-STS policy survey; sends no mail)";
    /** Fetches worked on at once by one worker. */
    public static final int BATCH = 500;
    /** Addresses of a policy host tried, at most, when connections fail. */
    public static final int MAX_ADDRESSES = 4;

    public PolicyConfig {
        for (Duration d : new Duration[] {connectTimeout, handshakeTimeout, headerTimeout, bodyTimeout}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive");
            }
        }
        if (perIpConnections < 1 || maxInFlight < 1) {
            throw new IllegalArgumentException("concurrency limits must be positive");
        }
        if (perIpInterval == null || perIpInterval.isNegative()) {
            throw new IllegalArgumentException("the interval between connections to one address must not be negative");
        }
        Objects.requireNonNull(optOut, "optOut");
        Objects.requireNonNull(userAgent, "userAgent");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public static PolicyConfig defaults() {
        return new PolicyConfig(Duration.parse(CONNECT_TIMEOUT), Duration.parse(HANDSHAKE_TIMEOUT),
                Duration.parse(HEADER_TIMEOUT), Duration.parse(BODY_TIMEOUT), Integer.parseInt(PER_IP_CONNECTIONS),
                Duration.parse(PER_IP_INTERVAL), 1000, false, OptOut.NONE, USER_AGENT, Integer.parseInt(PORT));
    }

    public PolicyConfig allowingNonPublic() {
        return new PolicyConfig(connectTimeout, handshakeTimeout, headerTimeout, bodyTimeout, perIpConnections,
                perIpInterval, maxInFlight, true, optOut, userAgent, port);
    }

    /** The defaults, as polite as an SMTP probe with these settings, on {@code httpsPort}. */
    public static PolicyConfig politeAs(int perIpConnections, Duration perIpInterval, boolean allowNonPublic,
                                        OptOut optOut, int httpsPort) {
        PolicyConfig d = defaults();
        return new PolicyConfig(d.connectTimeout, d.handshakeTimeout, d.headerTimeout, d.bodyTimeout, perIpConnections,
                perIpInterval, d.maxInFlight, allowNonPublic, optOut, d.userAgent, httpsPort);
    }

    public PolicyConfig withPort(int p) {
        return new PolicyConfig(connectTimeout, handshakeTimeout, headerTimeout, bodyTimeout, perIpConnections,
                perIpInterval, maxInFlight, allowNonPublic, optOut, userAgent, p);
    }

    /** The longest one fetch may take: every address's connect, then the handshake and the response. */
    public Duration itemTime() {
        return connectTimeout.multipliedBy(MAX_ADDRESSES).plus(handshakeTimeout).plus(headerTimeout)
                .plus(bodyTimeout).plus(perIpInterval.multipliedBy(MAX_ADDRESSES));
    }
}
