package io.mxray.app;

import io.mxray.dns.DnsConfig;
import io.mxray.dns.DnsOptions;
import io.mxray.dns.ResolverHealth;
import io.mxray.local.InfraOptions;
import io.mxray.local.Infrastructure;
import io.mxray.local.Pipeline;
import io.mxray.scheduler.DomainListReader;
import io.mxray.smtp.SmtpOptions;
import java.io.PrintStream;
import java.io.Reader;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Scans a domain list through the whole pipeline in this JVM and prints the results. */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = "Scan a domain list (plain or rank,domain CSV; - for stdin) through the whole pipeline: "
                + "the system resolver, port 25, the JDK's CAs unless told otherwise.")
final class ScanCommand implements Callable<Integer> {
    @Mixin
    InfraOptions infra;

    @Mixin
    DnsOptions dns;

    @Mixin
    SmtpOptions smtp;

    @picocli.CommandLine.Option(names = "--tls-versions", arity = "1", paramLabel = "true|false",
            defaultValue = "${env:MXRAY_TLS_VERSIONS:-false}", description = SmtpOptions.TLS_VERSIONS_HELP)
    boolean tlsVersions;

    @Parameters(index = "0", paramLabel = "LIST")
    String list;

    /** The exit status when the resolver fails its check (as {@code check}'s UNKNOWN). */
    static final int RESOLVER_FAILED = 3;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "${env:MXRAY_SCAN_TIMEOUT:-PT1H}",
            description = "Give up waiting for the scan after this long (env MXRAY_SCAN_TIMEOUT, default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--table", negatable = true, defaultValue = "${env:MXRAY_TABLE:-true}", fallbackValue = "true",
            description = "Print one line per domain and MX host (env MXRAY_TABLE; default: on for up to 200 domains).")
    boolean table;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Clock clock = Clock.systemUTC();
        DnsConfig dnsConfig = dns.config();
        // a resolver that cannot be trusted would make every domain look bogus or dead: stop before the scan
        ResolverHealth.Report resolver = ResolverHealth.preflight(dnsConfig, clock);
        if (!resolver.healthy()) {
            System.err.printf("mxray scan: the DNS resolver %s cannot be used: %s%n", ResolverHealth.name(dnsConfig.resolver()),
                    resolver.failure());
            return RESOLVER_FAILED;
        }
        try (Infrastructure infrastructure = infra.start();
             Pipeline pipeline = new Pipeline(infrastructure, dnsConfig, smtp.config(tlsVersions), smtp.judge(clock),
                     clock);
             Reader in = DomainListReader.open(list)) {
            ScanRun.Outcome result = ScanRun.run(pipeline, infrastructure.database(), in, list, timeout, out);
            if (table && result.summary().counts().accepted() <= 200) {
                out.println();
                ResultTable.print(out, result.rows(), null);
            }
            out.println();
            ResultTable.printLevels(out, result.rows());
            out.printf("scan %s: %d/%d domains final in %.1f s (%.1f domains/s)%n", result.summary().scanId(),
                    result.finalized(), result.summary().counts().accepted(), result.elapsed().toMillis() / 1000.0,
                    result.domainsPerSecond());
            if (!result.complete()) {
                out.printf("incomplete: %d domains had no final result after %s%n",
                        result.summary().counts().accepted() - result.finalized(), timeout);
                return 1;
            }
            return 0;
        }
    }
}
