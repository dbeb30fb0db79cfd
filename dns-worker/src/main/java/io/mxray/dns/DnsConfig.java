package io.mxray.dns;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the DNS stage. Defaults in {@link #defaults(InetSocketAddress)}.
 *
 * @param resolver        the recursive resolver (or the lab's server) asked for every lookup
 * @param trustAnchor     DS or DNSKEY records of the root (zone-file form); null for the IANA root
 *                        anchor shipped with mxray
 * @param timeout         per query attempt
 * @param attempts        tries per query on timeout or SERVFAIL (1 = no retry)
 * @param retryBackoff    wait before the second attempt, doubled for each further one
 * @param smtpPort        the port the probes target (25 on the Internet; the lab may differ)
 * @param maxMxHosts      MX hosts kept per domain, lowest preference first
 * @param maxAddresses    addresses kept per MX host
 * @param maxInFlight     lookups waiting for answers at once, across all domains
 * @param maxLookupsPerDomain lookups one domain may make (MX hosts, CNAMEs, TLSA, policies)
 * @param hostCacheSize   MX hosts remembered per scan
 * @param ioThreads       event-loop threads of the UDP transport (each query has a socket of its own)
 * @param validator       whose DNSSEC validation judges the answers: mxray's own (the default) or
 *                        dnsjava's (a cross-check and the benchmark's baseline)
 */
public record DnsConfig(InetSocketAddress resolver, Path trustAnchor, Duration timeout, int attempts,
                        Duration retryBackoff, int smtpPort, int maxMxHosts, int maxAddresses, int maxInFlight,
                        int maxLookupsPerDomain, int hostCacheSize, int ioThreads,
                        ValidatorKind validator) {
    /** Whose validation. */
    public enum ValidatorKind { MXRAY, DNSJAVA }

    public DnsConfig {
        Objects.requireNonNull(validator, "validator");
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
        if (maxMxHosts < 1 || maxAddresses < 1 || maxInFlight < 1 || maxLookupsPerDomain < 1 || hostCacheSize < 0
                || ioThreads < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /** The defaults, written once: {@link #defaults} and the options' {@code defaultValue} read them. */
    /**
     * Domains in hand by default. A domain waits on several answers in turn (MX, then addresses and
     * policies, then TLSA), so it stays in hand for several round trips: the batch must cover the
     * rate times that time, or the worker idles with cores to spare (docs/benchmarks.md has the
     * measurements behind the value). Lookups in flight stay bounded by {@code --dns-in-flight}.
     */
    public static final int BATCH = 1000;

    /**
     * How long one domain may take before its worker counts as stuck: every lookup of a chain
     * (MX, addresses and policies, TLSA) may use all its attempts.
     */
    public Duration itemTime() {
        return timeout.multipliedBy(attempts * 4L);
    }

    public static final String TIMEOUT = "PT3S";
    public static final String ATTEMPTS = "3";
    public static final String SMTP_PORT = "25";
    public static final String IN_FLIGHT = "2000";
    public static final String VALIDATOR = "MXRAY";

    public static DnsConfig defaults(InetSocketAddress resolver) {
        return new DnsConfig(resolver, null, Duration.parse(TIMEOUT), Integer.parseInt(ATTEMPTS), Duration.ofMillis(200),
                Integer.parseInt(SMTP_PORT), 16, 8, Integer.parseInt(IN_FLIGHT), 100, 1_000_000, 4,
                ValidatorKind.valueOf(VALIDATOR));
    }

    public DnsConfig withSmtpPort(int port) {
        return new DnsConfig(resolver, trustAnchor, timeout, attempts, retryBackoff, port, maxMxHosts, maxAddresses,
                maxInFlight, maxLookupsPerDomain, hostCacheSize, ioThreads, validator);
    }

    public DnsConfig withTrustAnchor(Path file) {
        return new DnsConfig(resolver, file, timeout, attempts, retryBackoff, smtpPort, maxMxHosts, maxAddresses,
                maxInFlight, maxLookupsPerDomain, hostCacheSize, ioThreads, validator);
    }

    public DnsConfig withLimits(int mxHosts, int addresses, int inFlight, int lookupsPerDomain) {
        return new DnsConfig(resolver, trustAnchor, timeout, attempts, retryBackoff, smtpPort, mxHosts, addresses,
                inFlight, lookupsPerDomain, hostCacheSize, ioThreads, validator);
    }

    public DnsConfig withValidator(ValidatorKind v) {
        return new DnsConfig(resolver, trustAnchor, timeout, attempts, retryBackoff, smtpPort, maxMxHosts, maxAddresses,
                maxInFlight, maxLookupsPerDomain, hostCacheSize, ioThreads, v);
    }

    public DnsConfig withTimeout(Duration t, int tries, Duration backoff) {
        return new DnsConfig(resolver, trustAnchor, t, tries, backoff, smtpPort, maxMxHosts, maxAddresses, maxInFlight,
                maxLookupsPerDomain, hostCacheSize, ioThreads, validator);
    }
}
