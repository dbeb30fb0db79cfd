package io.mxray.dns;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.xbill.DNS.ResolverConfig;
import picocli.CommandLine.Option;

/** Which resolver to ask and how: the flags every command that resolves shares. */
public final class ResolverOptions {
    @Option(names = "--resolver", paramLabel = "HOST[:PORT]", defaultValue = "${env:MXRAY_RESOLVER}",
            description = "DNS resolver to ask (env MXRAY_RESOLVER; default: the first nameserver of /etc/resolv.conf).")
    public String resolver;

    @Option(names = "--trust-anchor", paramLabel = "FILE", defaultValue = "${env:MXRAY_TRUST_ANCHOR}",
            description = "Root trust anchor: DS or DNSKEY records in zone-file form (env MXRAY_TRUST_ANCHOR; "
                    + "default: the IANA root anchors shipped with mxray).")
    public Path trustAnchor;

    @Option(names = "--dns-timeout", paramLabel = "DURATION", defaultValue = "${env:MXRAY_DNS_TIMEOUT:-" + DnsConfig.TIMEOUT + "}",
            description = "Timeout of one DNS query attempt, ISO-8601 (env MXRAY_DNS_TIMEOUT, default ${DEFAULT-VALUE}).")
    public Duration timeout;

    @Option(names = "--dns-attempts", paramLabel = "N", defaultValue = "${env:MXRAY_DNS_ATTEMPTS:-" + DnsConfig.ATTEMPTS + "}",
            description = "Attempts per query on timeout or SERVFAIL (env MXRAY_DNS_ATTEMPTS, default ${DEFAULT-VALUE}).")
    public int attempts;

    /** The defaults of {@link DnsConfig} with these settings. */
    public DnsConfig config() {
        InetSocketAddress address = resolver == null || resolver.isBlank() ? systemResolver() : parse(resolver);
        DnsConfig d = DnsConfig.defaults(address);
        return new DnsConfig(address, trustAnchor, timeout, attempts, d.retryBackoff(), d.smtpPort(), d.maxMxHosts(),
                d.maxAddresses(), d.maxInFlight(), d.maxLookupsPerDomain(), d.hostCacheSize(), d.ioThreads(),
                d.validator());
    }

    /** {@code host}, {@code host:port} or {@code [v6]:port}; port 53 when none is given. */
    public static InetSocketAddress parse(String hostPort) {
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

    /** The first name server of the system configuration (/etc/resolv.conf). */
    static InetSocketAddress systemResolver() {
        return ResolverConfig.getCurrentConfig().server();
    }
}
