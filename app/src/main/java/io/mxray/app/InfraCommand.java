package io.mxray.app;

import io.mxray.local.InfraOptions;
import io.mxray.local.Infrastructure;
import io.mxray.store.Database;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Runs the embedded Kafka broker and PostgreSQL server alone, for stages run as processes. */
@Command(name = "infra", mixinStandardHelpOptions = true,
        description = "Run an embedded Kafka broker and PostgreSQL server until interrupted; print their addresses.")
final class InfraCommand implements Callable<Integer> {
    @Mixin
    InfraOptions infra;

    @Override
    public Integer call() throws InterruptedException {
        Infrastructure i = infra.start();
        System.out.printf("Kafka:      %s%nPostgreSQL: %s%nfor the stages: export MXRAY_KAFKA=%s MXRAY_DB='%s'%s%n",
                i.bootstrap(), i.database().describe(), i.bootstrap(), Database.redact(i.database().url()),
                i.passwordFile() == null ? "" : " MXRAY_DB_PASSWORD=\"$(cat " + i.passwordFile().toAbsolutePath() + ")\"");
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            i.close();
            stop.countDown();
        }));
        stop.await();
        return 0;
    }
}
