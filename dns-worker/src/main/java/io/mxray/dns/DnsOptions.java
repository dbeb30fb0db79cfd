package io.mxray.dns;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The DNS stage's flags, shared by its process and by the in-JVM pipeline. */
public final class DnsOptions {
    @Mixin
    public ResolverOptions resolver = new ResolverOptions();

    @Option(names = "--smtp-port", paramLabel = "PORT", defaultValue = "${env:MXRAY_SMTP_PORT:-" + DnsConfig.SMTP_PORT + "}",
            description = "Port the SMTP probes connect to (env MXRAY_SMTP_PORT, default ${DEFAULT-VALUE}; "
                    + "only a lab uses another).")
    public int smtpPort;

    @Option(names = "--dns-in-flight", paramLabel = "N", defaultValue = "${env:MXRAY_DNS_IN_FLIGHT:-" + DnsConfig.IN_FLIGHT + "}",
            description = "Lookups waiting for answers at once (env MXRAY_DNS_IN_FLIGHT, default ${DEFAULT-VALUE}).")
    public int inFlight;

    @Option(names = "--validator", paramLabel = "MXRAY|DNSJAVA", defaultValue = "${env:MXRAY_VALIDATOR:-" + DnsConfig.VALIDATOR + "}",
            description = "Whose DNSSEC validation judges the answers: mxray's own (default) or dnsjava's "
                    + "ValidatingResolver, slower, for cross-checks (env MXRAY_VALIDATOR).")
    public DnsConfig.ValidatorKind validator = DnsConfig.ValidatorKind.MXRAY;

    public DnsConfig config() {
        DnsConfig d = resolver.config();
        return new DnsConfig(d.resolver(), d.trustAnchor(), d.timeout(), d.attempts(), d.retryBackoff(), smtpPort,
                d.maxMxHosts(), d.maxAddresses(), inFlight, d.maxLookupsPerDomain(), d.hostCacheSize(), d.ioThreads(),
                validator);
    }
}
