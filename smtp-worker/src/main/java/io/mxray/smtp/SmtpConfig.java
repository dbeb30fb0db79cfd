package io.mxray.smtp;

import io.mxray.runtime.OptOut;
import io.mxray.runtime.ReachOptions;
import io.mxray.schema.TlsCoverage;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the SMTP stage; defaults in {@link #defaults()}.
 *
 * @param ehloName        the name mxray gives in EHLO: says what is knocking
 * @param connectTimeout  TCP connect
 * @param stepTimeout     waiting for each reply (greeting, EHLO, STARTTLS) and for the TLS handshake
 * @param probeDeadline   the most one probe may take, whatever the server does
 * @param maxLineLength   longest reply line accepted
 * @param maxReplyLines   most lines in one reply
 * @param maxBytes        most bytes read from one server in one probe
 * @param perIpConnections concurrent connections to one IP address
 * @param perIpInterval   least time between the starts of two connections to one IP address
 * @param maxInFlight     concurrent probes in the whole stage
 * @param allowNonPublic  contact loopback, private and reserved addresses (a lab; never on the Internet)
 * @param maxChain        certificates kept from the chain a server sends (the rest is not judged)
 * @param optOut          networks and domains never contacted
 * @param allCertificates after a handshake with an ECDSA or RSA certificate, make a second one asking
 *                        for the other key type, so that a server's every certificate is judged
 * @param tlsVersions     find which TLS versions older than the negotiated one complete a handshake, each
 *                        with one more polite connection (newer ones were refused by the negotiation)
 * @param sharedChain     where the server at an address presents the same chain and TLS parameters for two
 *                        names asked for by SNI, judge its further names against the chain captured instead of
 *                        connecting again (one in {@link SharedChains#SAMPLE_EVERY} still probed, and a difference
 *                        turns it off for the address); results record the probe they came from
 */
public record SmtpConfig(String ehloName, Duration connectTimeout, Duration stepTimeout, Duration probeDeadline,
                         int maxLineLength, int maxReplyLines, int maxBytes, int perIpConnections, Duration perIpInterval,
                         int maxInFlight, boolean allowNonPublic, int maxChain, OptOut optOut,
                         boolean allCertificates, boolean tlsVersions, boolean sharedChain) {
    public SmtpConfig {
        Objects.requireNonNull(ehloName, "ehloName");
        if (!ehloName.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
            throw new IllegalArgumentException("EHLO name must be a domain name: " + ehloName);
        }
        for (Duration d : new Duration[] {connectTimeout, stepTimeout, probeDeadline}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive");
            }
        }
        if (probeDeadline.compareTo(stepTimeout) < 0) {
            throw new IllegalArgumentException("the probe deadline must not be shorter than a step timeout");
        }
        if (maxLineLength < 512 || maxReplyLines < 1 || maxBytes < 4096) {
            throw new IllegalArgumentException("bounds too small to speak SMTP");
        }
        if (perIpConnections < 1 || maxInFlight < 1) {
            throw new IllegalArgumentException("concurrency limits must be positive");
        }
        if (perIpInterval == null || perIpInterval.isNegative()) {
            throw new IllegalArgumentException("the interval between connections to one address must not be negative");
        }
        if (maxChain < 1) {
            throw new IllegalArgumentException("maxChain must be positive");
        }
        Objects.requireNonNull(optOut, "optOut");
    }

    /** Connections one probe may make: the first, the second handshake's, one per older TLS version. */
    public int connectionsPerProbe() {
        return 1 + (allCertificates ? 1 : 0) + (tlsVersions ? TlsCoverage.PROTOCOLS.size() - 1 : 0);
    }

    /** The most one probe may take: each of its connections up to the probe deadline, and as long again to wait its turn. */
    public Duration itemTime() {
        return probeDeadline.multipliedBy(connectionsPerProbe() + 1L);
    }

    /** The defaults, written once: {@link #defaults()} and the options' {@code defaultValue} read them. */
    /** Probes in hand by default (a worker process and the in-process pipeline alike). */
    public static final int BATCH = 500;
    /**
     * Probes held beyond the batch while they wait their turn at a busy address: about a kilobyte
     * each, so 20 MB of heap at most; enough for a few hundred shared hosting addresses with a
     * couple of hundred names each to wait while the rest of the list flows past them.
     */
    public static final int PARKED = 20_000;

    public static final String EHLO_NAME = "mxray-tls-survey.invalid";
    public static final String CONNECT_TIMEOUT = ReachOptions.CONNECT_TIMEOUT;
    public static final String STEP_TIMEOUT = "PT30S";
    public static final String PROBE_DEADLINE = "PT90S";
    public static final String PER_IP_CONNECTIONS = ReachOptions.PER_IP_CONNECTIONS;
    public static final String PER_IP_INTERVAL = ReachOptions.PER_IP_INTERVAL;
    public static final String ALL_CERTIFICATES = "true";
    public static final String SHARED_CHAIN = "true";

    public static SmtpConfig defaults() {
        return new SmtpConfig(EHLO_NAME, Duration.parse(CONNECT_TIMEOUT), Duration.parse(STEP_TIMEOUT),
                Duration.parse(PROBE_DEADLINE), SmtpReplyDecoder.DEFAULT_MAX_LINE_LENGTH,
                SmtpReplyDecoder.DEFAULT_MAX_LINES, 256 * 1024, Integer.parseInt(PER_IP_CONNECTIONS),
                Duration.parse(PER_IP_INTERVAL), 1000, false, 10, OptOut.NONE, Boolean.parseBoolean(ALL_CERTIFICATES),
                false, Boolean.parseBoolean(SHARED_CHAIN));
    }

    public SmtpConfig allowingNonPublic(boolean allow) {
        return new SmtpConfig(ehloName, connectTimeout, stepTimeout, probeDeadline, maxLineLength, maxReplyLines,
                maxBytes, perIpConnections, perIpInterval, maxInFlight, allow, maxChain, optOut,
                allCertificates, tlsVersions, sharedChain);
    }

    public SmtpConfig withTimeouts(Duration connect, Duration step, Duration deadline) {
        return new SmtpConfig(ehloName, connect, step, deadline, maxLineLength, maxReplyLines, maxBytes,
                perIpConnections, perIpInterval, maxInFlight, allowNonPublic, maxChain, optOut, allCertificates,
                tlsVersions, sharedChain);
    }

    public SmtpConfig withPerIpInterval(Duration interval) {
        return new SmtpConfig(ehloName, connectTimeout, stepTimeout, probeDeadline, maxLineLength, maxReplyLines,
                maxBytes, perIpConnections, interval, maxInFlight, allowNonPublic, maxChain, optOut, allCertificates,
                tlsVersions, sharedChain);
    }

    public SmtpConfig withOptOut(OptOut list) {
        return new SmtpConfig(ehloName, connectTimeout, stepTimeout, probeDeadline, maxLineLength, maxReplyLines,
                maxBytes, perIpConnections, perIpInterval, maxInFlight, allowNonPublic, maxChain, list, allCertificates,
                tlsVersions, sharedChain);
    }

    public SmtpConfig withAllCertificates(boolean all) {
        return new SmtpConfig(ehloName, connectTimeout, stepTimeout, probeDeadline, maxLineLength, maxReplyLines,
                maxBytes, perIpConnections, perIpInterval, maxInFlight, allowNonPublic, maxChain, optOut, all,
                tlsVersions, sharedChain);
    }

    public SmtpConfig withTlsVersions(boolean versions) {
        return new SmtpConfig(ehloName, connectTimeout, stepTimeout, probeDeadline, maxLineLength, maxReplyLines,
                maxBytes, perIpConnections, perIpInterval, maxInFlight, allowNonPublic, maxChain, optOut,
                allCertificates, versions, sharedChain);
    }

    public SmtpConfig withSharedChain(boolean shared) {
        return new SmtpConfig(ehloName, connectTimeout, stepTimeout, probeDeadline, maxLineLength, maxReplyLines,
                maxBytes, perIpConnections, perIpInterval, maxInFlight, allowNonPublic, maxChain, optOut,
                allCertificates, tlsVersions, shared);
    }
}
