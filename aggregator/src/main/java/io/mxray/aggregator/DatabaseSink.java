package io.mxray.aggregator;

import io.mxray.runtime.KafkaSettings;
import io.mxray.schema.DomainResult;
import io.mxray.schema.ProbeResult;
import io.mxray.schema.RejectedLine;
import io.mxray.schema.ScanEvent;
import io.mxray.schema.Topic;
import io.mxray.schema.Topics;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves results from Kafka into PostgreSQL: scans, rejected lines, probe results and domain
 * results. Each poll is written in one database transaction, then its offsets are committed;
 * a crash between the two replays the batch into idempotent upserts, so no row is lost or
 * doubled. Reads committed messages only, so results of aborted Streams transactions never land.
 * A message that cannot be read is logged and counted, its offset committed, so that one bad
 * message cannot stop the sink (the producers write only through the schema's serdes).
 */
public final class DatabaseSink implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseSink.class);
    private static final Duration RETRY = Duration.ofSeconds(2);
    /** Running statistics are rewritten at most this often (more rarely when that is slow). */
    private static final Duration STATS_MIN = Duration.ofSeconds(2);

    private final Database database;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong unreadable = new AtomicLong();
    private Connection connection;
    /** Scans whose statistics lag behind their domain rows. */
    private final java.util.Set<String> staleStats = new java.util.HashSet<>();
    private long statsDueNanos;
    private long statsEveryNanos = STATS_MIN.toNanos();

    public DatabaseSink(Database database, String bootstrap, String groupId) {
        this.database = database;
        this.consumer = new KafkaConsumer<>(KafkaSettings.consumer(bootstrap, groupId, "mxray-db-sink", 2000,
                300_000));
    }

    @Override
    public void run() {
        io.mxray.runtime.Metrics.lag("db-sink", lag::get);
        try {
            consumer.subscribe(List.of(Topics.SCANS.name(), Topics.REJECTED.name(), Topics.SMTP_RESULTS.name(),
                    Topics.DOMAIN_RESULTS.name()));
            while (running.get()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    refreshStats(true);
                    continue;
                }
                io.mxray.runtime.Metrics.ITEMS_IN.labelValues("db-sink").inc(records.count());
                long start = System.nanoTime();
                writeWithRetry(records);
                io.mxray.runtime.Metrics.ITEM_SECONDS.labelValues("db-sink").observe((System.nanoTime() - start) / 1e9);
                var offsets = new java.util.HashMap<TopicPartition, OffsetAndMetadata>();
                for (TopicPartition tp : records.partitions()) {
                    var list = records.records(tp);
                    offsets.put(tp, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
                }
                io.mxray.runtime.Consumers.commit(consumer, offsets, "db-sink");
                lag.set(io.mxray.runtime.Consumers.lag(consumer));
                refreshStats(false);
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("db-sink: stopped by an unexpected error; its uncommitted results are written on restart", e);
            throw e;
        } finally {
            refreshStats(true); // what was written last must show in the statistics too
            closeConnection();
            consumer.close();
            stopped.countDown();
        }
    }

    private final AtomicLong lag = new AtomicLong(-1);

    /** The database may be briefly away: keep the batch and retry until it is written or we stop. */
    private void writeWithRetry(ConsumerRecords<byte[], byte[]> records) {
        while (true) {
            try {
                write(records);
                return;
            } catch (SQLException e) {
                LOG.warn("writing {} results to PostgreSQL failed ({}); retrying in {}", records.count(),
                        e.getMessage(), RETRY);
                closeConnection();
                if (!running.get()) {
                    throw new WakeupException();
                }
                try {
                    Thread.sleep(RETRY.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new WakeupException();
                }
            }
        }
    }

    private void write(ConsumerRecords<byte[], byte[]> records) throws SQLException {
        List<ScanEvent> scans = new ArrayList<>();
        List<RejectedLine> rejected = new ArrayList<>();
        List<ProbeResult> probes = new ArrayList<>();
        List<DomainResult> domains = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String topic = r.topic();
            if (topic.equals(Topics.SCANS.name())) {
                add(scans, Topics.SCANS, r);
            } else if (topic.equals(Topics.REJECTED.name())) {
                add(rejected, Topics.REJECTED, r);
            } else if (topic.equals(Topics.SMTP_RESULTS.name())) {
                add(probes, Topics.SMTP_RESULTS, r);
            } else if (topic.equals(Topics.DOMAIN_RESULTS.name())) {
                add(domains, Topics.DOMAIN_RESULTS, r);
            }
        }
        Connection c = connection();
        try {
            ResultWriter w = new ResultWriter(c);
            w.scanEvents(scans);
            w.rejected(rejected);
            w.probeResults(probes);
            w.domainResults(domains);
            c.commit();
            domains.forEach(d -> staleStats.add(d.scanId()));
            written.addAndGet(records.count());
            var m = io.mxray.runtime.Metrics.ITEMS_OUT;
            m.labelValues("db-sink", "scan").inc(scans.size());
            m.labelValues("db-sink", "rejected_input").inc(rejected.size());
            m.labelValues("db-sink", "mx_host_result").inc(probes.size());
            m.labelValues("db-sink", "domain_result").inc(domains.size());
            for (DomainResult d : domains) {
                io.mxray.runtime.Metrics.RESULTS.labelValues("aggregator",
                        d.missingProbes() != null && !d.missingProbes().isEmpty() ? "incomplete"
                                : d.dnsOutcome().key()).inc();
            }
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is discarded anyway
            }
            throw e instanceof SQLException s ? s : new SQLException("writing results failed", e);
        }
    }

    /**
     * Rewrites the statistics of the scans that changed: when idle (so the last domains of a scan
     * show at once), else at most every few seconds, backing off when the rewrite itself is slow.
     */
    private void refreshStats(boolean idle) {
        long now = System.nanoTime();
        if (staleStats.isEmpty() || (!idle && now < statsDueNanos)) {
            return;
        }
        try {
            Connection c = connection();
            new ResultWriter(c).recomputeStats(staleStats);
            c.commit();
            staleStats.clear();
            long took = System.nanoTime() - now;
            statsEveryNanos = Math.max(STATS_MIN.toNanos(), 10 * took);
            statsDueNanos = System.nanoTime() + statsEveryNanos;
        } catch (SQLException e) {
            LOG.warn("updating the running statistics failed ({}); they are retried with the next batch",
                    e.getMessage());
            closeConnection();
        }
    }

    private <V> void add(List<V> into, Topic<String, V> topic, ConsumerRecord<byte[], byte[]> r) {
        try {
            V v = topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
            if (v != null) {
                into.add(v);
            }
        } catch (RuntimeException e) {
            unreadable.incrementAndGet();
            io.mxray.runtime.Metrics.DEAD_LETTERS.labelValues("db-sink").inc();
            LOG.error("unreadable message at {}-{}@{} not written: {}", r.topic(), r.partition(), r.offset(),
                    e.getMessage());
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = database.connect();
            connection.setAutoCommit(false);
        }
        return connection;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
            connection = null;
        }
    }

    public long written() {
        return written.get();
    }

    public long unreadable() {
        return unreadable.get();
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
