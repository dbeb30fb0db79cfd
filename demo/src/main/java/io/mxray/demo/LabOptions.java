package io.mxray.demo;

import io.mxray.lab.Generator;
import io.mxray.lab.LabConfig;
import io.mxray.lab.Scenario;
import io.mxray.lab.Scenarios;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** How to build a lab from the command line. */
public final class LabOptions {
    @Option(names = "--domains", paramLabel = "N", defaultValue = "0",
            description = "Generate N domains from the scenario mix, shared as on the Internet "
                    + "(about N/10 MX hosts, a few large providers). Default 0: the scenario catalogue only.")
    public int domains;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of the generated domains; the same seed gives the same lab (default ${DEFAULT-VALUE}).")
    public long seed;

    @Option(names = "--mix", paramLabel = "MIX", defaultValue = "providers",
            description = "How the generated domains are hosted: providers (30%% at two mailbox providers, 15%% at a "
                    + "hosted-exchange provider with a name per customer on 24 addresses, 15%% at hosters with 200 "
                    + "customer names per address and a certificate per name by SNI, 40%% on the long tail) or tail "
                    + "(every domain on the long tail). Default ${DEFAULT-VALUE}.")
    public String mix;

    @Option(names = "--catalogue", negatable = true, defaultValue = "false",
            description = "Serve the scenario catalogue as well as the generated domains (always served without --domains).")
    public boolean catalogue;

    @Option(names = "--dns-delay", paramLabel = "DURATION", defaultValue = "PT0S",
            description = "Latency added to every DNS answer, ISO-8601 (the benchmarks use PT0.05S; default ${DEFAULT-VALUE}).")
    public Duration dnsDelay;

    @Option(names = "--smtp-delay", paramLabel = "DURATION", defaultValue = "PT0S",
            description = "Latency added to every SMTP reply, ISO-8601 (default ${DEFAULT-VALUE}).")
    public Duration smtpDelay;

    @Option(names = "--lab-smtp-port", paramLabel = "PORT", defaultValue = "0",
            description = "Port of every lab SMTP server (default: 25 when it can be bound, else a free one).")
    public int smtpPort;

    @Option(names = "--lab-dns-port", paramLabel = "PORT", defaultValue = "0",
            description = "Port of the lab DNS server (default: 53 when it can be bound, else a free one).")
    public int dnsPort;

    public List<Scenario> scenarios() {
        List<Scenario> all = new ArrayList<>();
        if (domains == 0 || catalogue) {
            all.addAll(Scenarios.catalogue());
        }
        all.addAll(Generator.generate(domains, seed, 0.1, Generator.Mix.named(mix)));
        return all;
    }

    public LabConfig config(Path dir) {
        return config(dir, scenarios());
    }

    public LabConfig config(Path dir, List<Scenario> scenarios) {
        return new LabConfig(dir, Clock.systemUTC(), scenarios, smtpPort, dnsPort, 0, dnsDelay, smtpDelay);
    }
}
