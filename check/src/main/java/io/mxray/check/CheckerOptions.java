package io.mxray.check;

import io.mxray.dns.DnsConfig;
import io.mxray.dns.ResolverOptions;
import io.mxray.smtp.SmtpOptions;
import java.nio.file.Files;
import java.time.Clock;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How a checker reaches the Internet: the resolver, the ports, the SMTP probes' options (CA file,
 * opt-out list, address policy, timeouts) and the TLS versions. One mixin for every command that
 * checks domains ({@code check}, and {@code serve}'s /check), so that an option means the same in both.
 */
public final class CheckerOptions {
    @Mixin
    ResolverOptions resolver = new ResolverOptions();

    @Option(names = {"--port", "--smtp-port"}, paramLabel = "PORT", defaultValue = "${env:MXRAY_SMTP_PORT:-25}",
            description = "Port of the MX hosts to connect to (env MXRAY_SMTP_PORT, default ${DEFAULT-VALUE}; only a "
                    + "lab uses another).")
    int port;

    @Mixin
    SmtpOptions smtp;

    @Option(names = "--policy-port", paramLabel = "PORT", defaultValue = "${env:MXRAY_POLICY_PORT:-443}",
            description = "Port of the MTA-STS policy hosts (env MXRAY_POLICY_PORT, default ${DEFAULT-VALUE}; only a "
                    + "lab uses another).")
    int policyPort;

    @Option(names = "--tls-versions", arity = "1", paramLabel = "true|false",
            defaultValue = "${env:MXRAY_TLS_VERSIONS:-true}", description = SmtpOptions.TLS_VERSIONS_HELP)
    boolean tlsVersions;

    /** Fails before any lookup when the CA file cannot be read. */
    void requireReadable() {
        if (smtp.caFile != null && !Files.isReadable(smtp.caFile)) {
            throw new IllegalArgumentException("cannot read the CA file " + smtp.caFile);
        }
    }

    /** A checker made from these options; the caller closes it. */
    public Checker checker(Clock clock) {
        requireReadable();
        return new Checker(dnsConfig(), smtp.config(tlsVersions), policyPort, () -> smtp.judge(clock), clock);
    }

    /** A check is one domain or a few: few lookups in flight, one socket, a small host cache. */
    DnsConfig dnsConfig() {
        DnsConfig d = resolver.config();
        return new DnsConfig(d.resolver(), d.trustAnchor(), d.timeout(), d.attempts(), d.retryBackoff(), port,
                d.maxMxHosts(), d.maxAddresses(), 200, d.maxLookupsPerDomain(), 10_000, 1,
                DnsConfig.ValidatorKind.MXRAY);
    }
}
