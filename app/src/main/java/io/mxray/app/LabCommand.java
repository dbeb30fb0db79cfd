package io.mxray.app;

import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the lab alone, for stages started as separate processes or for other tools. */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = "Run the lab (DNS and SMTP servers on loopback) until interrupted; print where it is.")
final class LabCommand implements Callable<Integer> {
    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "./mxray-lab",
            description = "Where the lab writes ca.pem, domains.txt, ground-truth.jsonl and lab.json (default ${DEFAULT-VALUE}).")
    Path dir;

    @Override
    public Integer call() throws InterruptedException {
        Lab lab = Lab.start(LabConfig.defaults(dir));
        Lab.Endpoints e = lab.endpoints();
        System.out.printf("lab running: resolver %s:%d, SMTP port %d%n  CA file      %s%n  domains      %s%n"
                        + "  ground truth %s%nscan it with: --resolver %s:%d --smtp-port %d --ca-file %s --allow-non-public%n",
                e.resolverHost(), e.resolverPort(), e.smtpPort(), e.caFile(), e.domainsFile(), e.groundTruthFile(),
                e.resolverHost(), e.resolverPort(), e.smtpPort(), e.caFile());
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            lab.close();
            stop.countDown();
        }));
        stop.await();
        return 0;
    }
}
