package io.mxray.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the DNS stage. Defaults in {@link #defaults(InetSocketAddress)}.
 *
 * @param resolver        the recursive resolver (or the lab's server) asked for every lookup
 * @param timeout         per query attempt
 * @param attempts        tries per query on timeout or SERVFAIL (1 = no retry)
 * @param retryBackoff    wait before the second attempt, doubled for each further one
 * @param smtpPort        the port the probes target (25 on the Internet; the lab may differ)
 * @param maxMxHosts      MX hosts kept per domain, lowest preference first
 * @param maxAddresses    addresses kept per MX host
 */
public record DnsConfig(InetSocketAddress resolver, Duration timeout, int attempts, Duration retryBackoff,
                        int smtpPort, int maxMxHosts, int maxAddresses) {
    public DnsConfig {
        Objects.requireNonNull(resolver, "resolver");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(retryBackoff, "retryBackoff");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        if (attempts < 1 || attempts > 10) {
            throw new IllegalArgumentException("attempts must be 1..10");
        }
        if (smtpPort < 1 || smtpPort > 65535) {
            throw new IllegalArgumentException("smtpPort out of range: " + smtpPort);
        }
        if (maxMxHosts < 1 || maxAddresses < 1) {
            throw new IllegalArgumentException("maxMxHosts and maxAddresses must be positive");
        }
    }

    public static DnsConfig defaults(InetSocketAddress resolver) {
        return new DnsConfig(resolver, Duration.ofSeconds(3), 3, Duration.ofMillis(200), 25, 16, 8);
    }

    public DnsConfig withSmtpPort(int port) {
        return new DnsConfig(resolver, timeout, attempts, retryBackoff, port, maxMxHosts, maxAddresses);
    }
}
