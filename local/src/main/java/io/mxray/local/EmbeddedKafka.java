package io.mxray.local;

import io.mxray.runtime.KafkaSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) inside this JVM, from
 * the Kafka jars. Its log directory persists in {@code dir}; the storage is formatted on first
 * use. The controller quorum is declared statically, so the listeners may take other free ports
 * on the next start.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final KafkaRaftServer server;
    private final String bootstrap;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrap) {
        this.server = server;
        this.bootstrap = bootstrap;
    }

    public static EmbeddedKafka start(Path dir) {
        try {
            Files.createDirectories(dir);
            int brokerPort = freePort();
            int controllerPort = freePort();
            Properties p = properties(dir, brokerPort, controllerPort);
            if (!Files.exists(dir.resolve("meta.properties"))) {
                format(dir, p);
            }
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
            server.startup();
            String bootstrap = "127.0.0.1:" + brokerPort;
            awaitReady(bootstrap);
            return new EmbeddedKafka(server, bootstrap);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded Kafka broker in " + dir, e);
        }
    }

    /** A single-node KRaft broker and controller on loopback, its log in {@code dir}. */
    static Properties properties(Path dir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.put("log.dirs", dir.toAbsolutePath().toString());
        p.put("auto.create.topics.enable", "false");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "6");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "6");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // the default 128 MB dedupe buffer is sized for a dedicated broker, not one inside mxray
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 << 20));
        return p;
    }

    static void format(Path dir, Properties p) throws IOException {
        Path cfg = dir.resolveSibling(dir.getFileName() + "-format.properties");
        try (var out = Files.newOutputStream(cfg)) {
            p.store(out, "mxray embedded broker (format only)");
        }
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        int rc = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", cfg.toString()},
                quiet);
        Files.deleteIfExists(cfg);
        if (rc != 0) {
            throw new IOException("formatting the Kafka storage in " + dir + " failed (status " + rc + ")");
        }
    }

    static void awaitReady(String bootstrap) {
        try (Admin admin = Admin.create(KafkaSettings.admin(bootstrap))) {
            admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the embedded Kafka broker did not become ready", e);
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public String bootstrap() {
        return bootstrap;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
