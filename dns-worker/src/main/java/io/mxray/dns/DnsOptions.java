package io.mxray.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The DNS stage's flags, shared by its process and by the in-JVM pipeline. */
public final class DnsOptions {
    @Option(names = "--resolver", paramLabel = "HOST[:PORT]", defaultValue = "${env:MXRAY_RESOLVER}",
            description = "DNS resolver to ask (env MXRAY_RESOLVER; default: the first nameserver of /etc/resolv.conf).")
    public String resolver;

    @Option(names = "--dns-timeout", paramLabel = "DURATION", defaultValue = "${env:MXRAY_DNS_TIMEOUT:-PT3S}",
            description = "Timeout of one DNS query attempt, ISO-8601 (env MXRAY_DNS_TIMEOUT, default ${DEFAULT-VALUE}).")
    public Duration timeout;

    @Option(names = "--dns-attempts", paramLabel = "N", defaultValue = "${env:MXRAY_DNS_ATTEMPTS:-3}",
            description = "Attempts per query on timeout or SERVFAIL (env MXRAY_DNS_ATTEMPTS, default ${DEFAULT-VALUE}).")
    public int attempts;

    @Option(names = "--smtp-port", paramLabel = "PORT", defaultValue = "${env:MXRAY_SMTP_PORT:-25}",
            description = "Port the SMTP probes connect to (env MXRAY_SMTP_PORT, default ${DEFAULT-VALUE}; "
                    + "only a lab uses another).")
    public int smtpPort;

    @Option(names = "--trust-anchor", paramLabel = "FILE", defaultValue = "${env:MXRAY_TRUST_ANCHOR}",
            description = "Root trust anchor: DS or DNSKEY records in zone-file form (env MXRAY_TRUST_ANCHOR; "
                    + "default: the IANA root anchors shipped with mxray).")
    public java.nio.file.Path trustAnchor;

    @Option(names = "--dns-in-flight", paramLabel = "N", defaultValue = "${env:MXRAY_DNS_IN_FLIGHT:-2000}",
            description = "Lookups waiting for answers at once (env MXRAY_DNS_IN_FLIGHT, default ${DEFAULT-VALUE}).")
    public int inFlight;

    @Option(names = "--validator", paramLabel = "MXRAY|DNSJAVA", defaultValue = "${env:MXRAY_VALIDATOR:-MXRAY}",
            description = "Whose DNSSEC validation judges the answers: mxray's own (default) or dnsjava's "
                    + "ValidatingResolver, slower, for cross-checks (env MXRAY_VALIDATOR).")
    public DnsConfig.ValidatorKind validator = DnsConfig.ValidatorKind.MXRAY;

    public DnsConfig config() {
        InetSocketAddress address = resolver == null || resolver.isBlank() ? Main.systemResolver() : parse(resolver);
        DnsConfig d = DnsConfig.defaults(address);
        return new DnsConfig(address, trustAnchor, timeout, attempts, d.retryBackoff(), smtpPort, d.maxMxHosts(),
                d.maxAddresses(), inFlight, d.maxLookupsPerDomain(), d.hostCacheSize(), d.sockets(), validator);
    }

    static InetSocketAddress parse(String hostPort) {
        String host = hostPort;
        int port = 53;
        if (hostPort.startsWith("[")) {
            int end = hostPort.indexOf(']');
            host = hostPort.substring(1, end);
            if (hostPort.length() > end + 2) {
                port = Integer.parseInt(hostPort.substring(end + 2));
            }
        } else if (hostPort.chars().filter(c -> c == ':').count() == 1) {
            int colon = hostPort.indexOf(':');
            host = hostPort.substring(0, colon);
            port = Integer.parseInt(hostPort.substring(colon + 1));
        }
        return new InetSocketAddress(host, port);
    }
}
