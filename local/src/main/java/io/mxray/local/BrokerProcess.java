package io.mxray.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * A real Kafka broker as a process of its own: {@code kafka.Kafka} from the Kafka jars on this
 * class path, KRaft (combined broker and controller), storage formatted on first start. Its ports
 * stay the same across restarts, so clients find it again.
 */
public final class BrokerProcess implements AutoCloseable {
    /**
     * A small heap, the serial collector and the quick compiler alone, as the stage processes run:
     * with both compilers the broker's C2 thread took 45% of its CPU in every 10,000-domain scan of
     * {@code bench e2e}, and its first scan cost 2.5 times the CPU of the quick compiler's
     * (docs/benchmarks.md, "Cost per domain and the cold start"). The quick compiler starts at a
     * fifth of its thresholds, as in the stages; and no performance-data file, as in the stages.
     */
    static final List<String> JVM_OPTIONS = List.of("-Xmx512m", "-Xms128m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-XX:CompileThresholdScaling=0.2", "-XX:-UsePerfData");
    private final Path dir;
    private final int brokerPort;
    private final MxrayProcess process;

    private BrokerProcess(Path dir, int brokerPort, MxrayProcess process) {
        this.dir = dir;
        this.brokerPort = brokerPort;
        this.process = process;
    }

    /** Where the broker keeps its logs: a directory per topic partition ({@code <topic>-<partition>}). */
    public Path dataDir() {
        return dir.resolve("data");
    }

    public static BrokerProcess start(Path dir) {
        try {
            Path data = dir.resolve("data");
            Files.createDirectories(data);
            int brokerPort = EmbeddedKafka.freePort();
            int controllerPort = EmbeddedKafka.freePort();
            Properties p = EmbeddedKafka.properties(data, brokerPort, controllerPort);
            EmbeddedKafka.format(data, p);
            Path config = dir.resolve("server.properties");
            try (var out = Files.newOutputStream(config)) {
                p.store(out, "mxray: a single-node KRaft broker for a multi-process run");
            }
            MxrayProcess process = MxrayProcess.start("kafka-broker", dir, JVM_OPTIONS, "kafka.Kafka",
                    List.of(config.toString()));
            BrokerProcess broker = new BrokerProcess(dir, brokerPort, process);
            broker.awaitReady();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a Kafka broker process in " + dir, e);
        }
    }

    private void awaitReady() {
        try {
            EmbeddedKafka.awaitReady(bootstrap());
        } catch (RuntimeException e) {
            throw new IllegalStateException("the Kafka broker process did not become ready; its log ends:\n"
                    + process.tail(30), e);
        }
    }

    public String bootstrap() {
        return "127.0.0.1:" + brokerPort;
    }

    public MxrayProcess process() {
        return process;
    }

    /** SIGKILL the broker, then start it again on the same storage and ports; returns when it serves. */
    public void killAndRestart() throws InterruptedException {
        process.kill();
        process.restart();
        awaitReady();
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        try {
            process.terminate(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
