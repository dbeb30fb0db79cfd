package io.mxray.demo;

import io.mxray.lab.Generator;
import io.mxray.lab.Lab;
import io.mxray.lab.Scenario;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the lab alone, for stages started as separate processes or for other tools. */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = "Run the lab (a DNSSEC-signed DNS hierarchy and SMTP servers on loopback) until interrupted; "
                + "print how to point a scanner at it.")
final class LabCommand implements Callable<Integer> {
    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "./mxray-lab",
            description = "Where the lab writes ca.pem, root.ds, trust-anchors.conf, domains.txt, "
                    + "ground-truth.jsonl and lab.json (default ${DEFAULT-VALUE}).")
    Path dir;

    @Mixin
    LabOptions options;

    @Override
    public Integer call() throws InterruptedException {
        long start = System.nanoTime();
        List<Scenario> scenarios = options.scenarios();
        Lab lab = Lab.start(options.config(dir, scenarios));
        Lab.Endpoints e = lab.endpoints();
        String resolver = e.resolverHost() + ":" + e.resolverPort();
        System.out.printf("lab running: %d domains, ready in %.1f s%n", lab.groundTruth().size(),
                (System.nanoTime() - start) / 1e9);
        if (options.domains > 0) {
            System.out.printf("  generated domains (--mix %s; the shares are an assumption, docs/lab.md):%n", options.mix);
            Generator.describe(scenarios).forEach(l -> System.out.println("    " + l));
        }
        System.out.printf("  resolver      %s (answers for every lab zone; DNSSEC with the trust anchor below)%n", resolver);
        System.out.printf("  trust anchor  %s (also root.key, and trust-anchors.conf for delv -a)%n", e.trustAnchorFile());
        System.out.printf("  CA bundle     %s%n", e.caFile());
        System.out.printf("  SMTP port     %d on every MX host address%n", e.smtpPort());
        System.out.printf("  HTTPS         %s:%d serves every mta-sts.<domain> (MTA-STS policies)%n", lab.policyAddress(),
                e.httpsPort());
        System.out.printf("  domains       %s%n  ground truth  %s%n", e.domainsFile(), e.groundTruthFile());
        System.out.printf("mxray:   --resolver %s --smtp-port %d --policy-port %d --ca-file %s --allow-non-public%n",
                resolver, e.smtpPort(), e.httpsPort(), e.caFile());
        System.out.printf("delv:    delv @%s -p %d -a %s +root=. tls-valid.test MX%n", e.resolverHost(),
                e.resolverPort(), dir.resolve("trust-anchors.conf").toAbsolutePath().normalize());
        System.out.printf("openssl: openssl s_client -starttls smtp -connect <MX address>:%d -CAfile %s%n", e.smtpPort(),
                e.caFile());
        System.out.printf("curl:    curl --cacert %s --resolve mta-sts.sts-enforce.test:%d:%s "
                + "https://mta-sts.sts-enforce.test:%d/.well-known/mta-sts.txt%n", e.caFile(), e.httpsPort(),
                lab.policyAddress(), e.httpsPort());
        System.out.println("(Ctrl-C stops the lab)");
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            lab.close();
            stop.countDown();
        }));
        stop.await();
        return 0;
    }
}
