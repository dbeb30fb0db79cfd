package io.mxray.smtp;

import io.mxray.runtime.FastEc;
import io.mxray.runtime.KafkaOptions;
import io.mxray.runtime.StageProcess;
import io.mxray.runtime.StageRunner;
import io.mxray.runtime.Topics;
import io.mxray.schema.ProbeRequest;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The SMTP stage as a process: consume probes, publish probe results. */
@Command(name = "smtp-worker", mixinStandardHelpOptions = true,
        description = "Connect to MX hosts on port 25, try STARTTLS, capture and judge the TLS session.")
public final class Main implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Mixin
    SmtpOptions smtp;

    @Option(names = "--tls-versions", arity = "1", paramLabel = "true|false",
            defaultValue = "${env:MXRAY_TLS_VERSIONS:-false}", description = SmtpOptions.TLS_VERSIONS_HELP)
    boolean tlsVersions;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "${env:MXRAY_SMTP_BATCH:-" + SmtpConfig.BATCH + "}",
            description = "Probes worked on at once; beyond that the worker stops fetching (env MXRAY_SMTP_BATCH, default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--parked", paramLabel = "N", defaultValue = "${env:MXRAY_SMTP_PARKED:-" + SmtpConfig.PARKED + "}",
            description = "Probes held beside the batch while they wait their turn at a busy address (per-address "
                    + "politeness; a shared hosting address with many names), so that they do not hold up the other "
                    + "addresses' probes (env MXRAY_SMTP_PARKED, default ${DEFAULT-VALUE}; 0: they count in --batch).")
    int parked;

    @Override
    public Integer call() {
        kafka.ensureTopics();
        FastEc.install(); // before the first TLS context: the handshakes' elliptic curves from BoringSSL
        SmtpConfig config = smtp.config(tlsVersions);
        SmtpStage stage = new SmtpStage(config, smtp.judge(Clock.systemUTC()), Clock.systemUTC());
        StageRunner<ProbeRequest> runner = StageRunner.create("smtp-worker", Topics.PROBES,
                new SmtpWorker(stage, Clock.systemUTC()), kafka.bootstrap, "mxray-smtp-worker", batch,
                config.itemTime(), kafka.sessionTimeout).parking(stage.limiter()::parked, parked);
        return StageProcess.run(runner, stage, kafka.serveMetrics());
    }
}
