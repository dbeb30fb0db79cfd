package io.mxray.local;

import io.mxray.runtime.TopicSetup;
import io.mxray.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka and PostgreSQL for one mxray run: external ones when given, otherwise embedded ones
 * (a real KRaft broker and a real PostgreSQL server) keeping their data in the data folder.
 * The data folder is locked so that two runs cannot share it.
 */
public final class Infrastructure implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Infrastructure.class);

    private final String bootstrap;
    private final Database database;
    private final Path dataDir;
    private final EmbeddedKafka kafka;
    private final EmbeddedDatabase postgres;
    private final DataFolderLock lock;

    private Infrastructure(String bootstrap, Database database, Path dataDir, EmbeddedKafka kafka,
                           EmbeddedDatabase postgres, DataFolderLock lock) {
        this.bootstrap = bootstrap;
        this.database = database;
        this.dataDir = dataDir;
        this.kafka = kafka;
        this.postgres = postgres;
        this.lock = lock;
    }

    /**
     * @param kafkaBootstrap null: start an embedded broker in {@code dataDir/kafka}
     * @param db             null: start an embedded PostgreSQL in {@code dataDir/postgres}
     */
    public static Infrastructure start(String kafkaBootstrap, Database db, Path dataDir, int partitions) {
        DataFolderLock lock = null;
        EmbeddedKafka kafka = null;
        EmbeddedDatabase pg = null;
        try {
            Files.createDirectories(dataDir);
            lock = DataFolderLock.tryLock(dataDir).orElseThrow(() -> new IllegalStateException(
                    "another mxray process is using " + dataDir.toAbsolutePath().normalize()
                            + "; wait for it or give another --data-dir"));
            CompletableFuture<EmbeddedDatabase> pgStart = db != null ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.supplyAsync(() -> EmbeddedDatabase.start(dataDir.resolve("postgres")));
            if (kafkaBootstrap == null) {
                kafka = EmbeddedKafka.start(dataDir.resolve("kafka"));
            }
            pg = pgStart.join();
            String bootstrap = kafka != null ? kafka.bootstrap() : kafkaBootstrap;
            Database database = pg != null ? pg.database() : db;
            TopicSetup.ensure(bootstrap, partitions, (short) 1);
            LOG.info("Kafka at {}{}, PostgreSQL at {}{}", bootstrap, kafka != null ? " (embedded)" : "",
                    database.describe(), pg != null ? " (embedded)" : "");
            return new Infrastructure(bootstrap, database, dataDir, kafka, pg, lock);
        } catch (IOException e) {
            closeQuietly(kafka, pg, lock);
            throw new UncheckedIOException("cannot prepare the data folder " + dataDir, e);
        } catch (RuntimeException e) {
            closeQuietly(kafka, pg, lock);
            throw e;
        }
    }

    private static void closeQuietly(AutoCloseable... all) {
        for (AutoCloseable c : all) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // already failing
                }
            }
        }
    }

    public String bootstrap() {
        return bootstrap;
    }

    public Database database() {
        return database;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Where the embedded server's password is kept, or null when the database is not embedded. */
    public Path passwordFile() {
        return postgres == null ? null : EmbeddedDatabase.passwordFile(dataDir.resolve("postgres"));
    }

    public boolean embeddedKafka() {
        return kafka != null;
    }

    @Override
    public void close() {
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        lock.close();
    }
}
